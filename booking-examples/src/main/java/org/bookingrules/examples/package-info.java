/**
 * Runnable examples of Booking Rules: {@link org.bookingrules.examples.Demo}, the timeline of the rules'
 * scenarios on embedded H2 that the README's first command runs; the EHR integration in
 * {@code org.bookingrules.examples.ehr}; the self-service web page in {@code org.bookingrules.examples.web}.
 * Examples, not library API: they are not published.
 */
package org.bookingrules.examples;
