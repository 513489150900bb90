/**
 * Not API: the rules themselves, one small pure class per rule, each taking a
 * {@link org.bookingrules.internal.rules.RuleContext} and returning a
 * {@link org.bookingrules.rules.Decision}; {@link org.bookingrules.internal.rules.RuleBook} says
 * which apply to which action and actor, in a fixed order. The module does not export this
 * package; it may change in any release.
 */
package org.bookingrules.internal.rules;
