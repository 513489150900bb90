/**
 * The cancellation list: customers who wait for an earlier or any opening of a service, and the
 * offers of freed slots to them, one or a few at a time, each with a deadline, while the slot is
 * held for them.
 *
 * <p>{@link org.bookingrules.waitlist.WaitlistEntry} is what a customer asked for;
 * {@link org.bookingrules.waitlist.SlotHold} is a freed slot kept for the entries it is offered to,
 * which no booking can take until the hold ends; {@link org.bookingrules.waitlist.SlotOffer} is one
 * entry's offer of one hold. {@link org.bookingrules.waitlist.OfferRules} decides, without I/O,
 * which entries may be offered a slot, in which order, and until when. The
 * {@link org.bookingrules.Waitlist} (from {@link org.bookingrules.BookingRules#waitlist()})
 * runs the commands; a {@link org.bookingrules.waitlist.WaitlistStore} keeps the records.
 */
package org.bookingrules.waitlist;
