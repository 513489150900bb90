/**
 * The EHR integration example: an existing clinic schema ({@code patients}, {@code appointments} with
 * the EHR's own status codes) that Booking Rules does not change, served as bookings by
 * booking-core-jdbc's kit for existing appointment tables. The integrator writes
 * {@link org.bookingrules.examples.ehr.EhrAppointments} (the table's SQL and status codes, as an
 * {@link org.bookingrules.jdbc.AppointmentTable}) and {@link org.bookingrules.examples.ehr.EhrSetup}
 * (the wiring), so patients get the library's self-service rules on the clinic's own rows.
 * {@link org.bookingrules.examples.ehr.EhrExample} runs it.
 */
package org.bookingrules.examples.ehr;
