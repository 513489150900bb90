/**
 * Self-service manage links (R8): signed tokens ({@link org.bookingrules.links.ManageLinks}), the
 * identity check ({@link org.bookingrules.links.IdentityCheck}) with lockout
 * ({@link org.bookingrules.links.LinkGuardStore}), and the {@link org.bookingrules.links.SelfService}
 * facade that acts as the customer through {@link org.bookingrules.BookingRules}.
 */
package org.bookingrules.links;
