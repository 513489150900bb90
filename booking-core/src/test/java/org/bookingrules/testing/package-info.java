/**
 * The test kit of Booking Rules, shipped in booking-core's test jar ({@code <type>test-jar</type>})
 * for the project's own modules and for integrators who write their own
 * {@link org.bookingrules.spi.BookingRepository}: {@link org.bookingrules.testing.Race}, the
 * start-gate harness of every concurrency test; {@link org.bookingrules.testing.DelegatingRepository},
 * the base of decorators that observe, delay or fail some calls (fakes, not mocks);
 * {@link org.bookingrules.testing.Fixture}, a ready-made world of the facade over the in-memory
 * repository with a mutable clock; {@link org.bookingrules.testing.RecordingNotifier}. The contract
 * a repository must keep is {@link org.bookingrules.spi.BookingRepositoryContract}.
 *
 * <p>The test jar brings no test libraries of its own: add JUnit Jupiter ({@code junit-jupiter})
 * and AssertJ to the test scope.
 */
package org.bookingrules.testing;
