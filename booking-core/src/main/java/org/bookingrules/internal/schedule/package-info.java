/**
 * Not API: how the library's periodic jobs are scheduled so that a failed run never ends them. The
 * module exports this package to {@code org.bookingrules.jdbc} only; it may change in any release.
 */
package org.bookingrules.internal.schedule;
