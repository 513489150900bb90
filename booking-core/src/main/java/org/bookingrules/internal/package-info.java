/**
 * Not API: checks and helpers shared by the library's packages. The module does not export this
 * package; it may change in any release.
 */
package org.bookingrules.internal;
