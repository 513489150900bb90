/**
 * The rules: one small pure class per rule, each taking a {@link org.bookingrules.rules.RuleContext}
 * and returning a {@link org.bookingrules.rules.Decision}; {@link org.bookingrules.rules.RuleBook}
 * says which apply to which action and actor. Expected refusals are values
 * ({@link org.bookingrules.rules.Refusal} with a stable {@link org.bookingrules.rules.RefusalReason}).
 */
package org.bookingrules.rules;
