/**
 * The booking model: immutable {@link org.bookingrules.model.Booking} with its status table
 * ({@link org.bookingrules.model.BookingStatus}), the {@link org.bookingrules.model.Actor} who
 * asks for a change, and the {@link org.bookingrules.model.BookingEvent}s that are its history.
 * Nothing here reads a clock or does I/O.
 */
package org.bookingrules.model;
