/** Duplex failover: internal package, not exported. */
package org.duplex.failover;
