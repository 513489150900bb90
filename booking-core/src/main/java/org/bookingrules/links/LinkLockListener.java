package org.bookingrules.links;

/**
 * Hears that an identity check locked a booking's manage link, so staff can be told (for example
 * a task in the product's staff view, or a message to the clinic). Called once per lock, on the
 * node whose check locked it, right after the lock was stored; never with personal data. Must be
 * thread-safe and quick (hand slow work to another thread); an exception it throws is logged and
 * does not change the answer to the check.
 */
@FunctionalInterface
public interface LinkLockListener {

    /** A listener that does nothing: the default. */
    LinkLockListener NONE = lock -> {
    };

    /**
     * A check has just locked a link.
     *
     * @param lock what was locked, until when and why
     */
    void locked(LinkLock lock);
}
