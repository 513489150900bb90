/**
 * Not API: checks shared by the library's builders. The module exports this package to
 * {@code org.bookingrules.jdbc} only; it may change in any release.
 */
package org.bookingrules.internal.settings;
