/** Duplex mirror: internal package, not exported. */
package org.duplex.mirror;
