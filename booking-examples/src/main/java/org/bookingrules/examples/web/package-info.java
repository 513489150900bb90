/**
 * The patient-facing self-service page (R7-R11) on the JDK's built-in HTTP server:
 * {@link org.bookingrules.examples.web.SelfServiceServer} over a
 * {@link org.bookingrules.links.SelfService}, with a fictional
 * {@link org.bookingrules.examples.web.DemoClinic} on embedded H2 to run it against.
 */
package org.bookingrules.examples.web;
