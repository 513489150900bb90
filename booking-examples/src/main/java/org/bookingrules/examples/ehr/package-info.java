/**
 * The EHR integration example: an existing clinic schema ({@code patients}, {@code appointments} with
 * the EHR's own status codes) that Booking Rules does not change, and
 * {@link org.bookingrules.examples.ehr.EhrBookingRepository}, a
 * {@link org.bookingrules.spi.BookingRepository} over it, so patients get the library's self-service
 * rules on the clinic's own rows. {@link org.bookingrules.examples.ehr.EhrExample} runs it.
 */
package org.bookingrules.examples.ehr;
