/**
 * What the rules answer: a {@link org.bookingrules.rules.Decision}, either allowed (with the
 * deadline, lateness and fee) or a {@link org.bookingrules.rules.Refusal} with a stable
 * {@link org.bookingrules.rules.RefusalReason}, the deadline that passed and the contact to turn
 * to. Expected refusals are values, never exceptions.
 */
package org.bookingrules.rules;
