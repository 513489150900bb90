/**
 * Per-service policies ({@link org.bookingrules.policy.BookingPolicy}) and how one is chosen for a
 * booking ({@link org.bookingrules.policy.PolicyResolver}, {@link org.bookingrules.policy.PolicyTable}).
 */
package org.bookingrules.policy;
