/**
 * Ports (service provider interfaces) the embedding product or an adapter implements: storage
 * ({@link org.bookingrules.spi.BookingRepository}), delivery
 * ({@link org.bookingrules.spi.BookingNotifier}), opening hours
 * ({@link org.bookingrules.spi.Availability}) and manage links
 * ({@link org.bookingrules.spi.ManageLinkIssuer}), with the values that cross them.
 */
package org.bookingrules.spi;
