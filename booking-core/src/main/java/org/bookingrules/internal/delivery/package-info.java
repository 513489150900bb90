/**
 * Not API: the one implementation of notification delivery (executor, timeout, attempts, logging),
 * shared by the facade and the JDBC module's outbox relay. The module exports this package to
 * {@code org.bookingrules.jdbc} only; it may change in any release.
 */
package org.bookingrules.internal.delivery;
