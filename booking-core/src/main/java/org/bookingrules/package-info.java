/**
 * The facade: {@link org.bookingrules.BookingRules}, built with
 * {@link org.bookingrules.BookingRulesBuilder}, and the requests and outcomes of its commands.
 * Start here. The package-private types behind the facade each do one job: the command engine,
 * each command's transitions, idempotency, notification planning, delivery, the reminder sweep
 * and free slots.
 */
package org.bookingrules;
