/**
 * The facade: {@link org.bookingrules.BookingRules} and the requests and outcomes of its commands.
 * Start here.
 */
package org.bookingrules;
