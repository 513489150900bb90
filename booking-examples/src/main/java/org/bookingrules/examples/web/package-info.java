/**
 * The patient-facing self-service page (R7-R11) on embedded Jetty:
 * {@link org.bookingrules.examples.web.SelfServiceServer} over a
 * {@link org.bookingrules.links.SelfService}, including the offers of the cancellation list
 * ({@code /offer}), with a fictional
 * {@link org.bookingrules.examples.web.DemoClinic} on embedded H2 to run it against. The server's
 * class documentation lists its paths and the measures against slow clients, session floods,
 * cross-site requests, token leaks and malformed input.
 */
package org.bookingrules.examples.web;
