/**
 * Localized texts: refusal messages and notification subjects in English and Spanish.
 */
package org.bookingrules.i18n;
