/**
 * The in-memory reference adapter of {@link org.bookingrules.spi.BookingRepository}.
 */
package org.bookingrules.memory;
