/** Duplex cluster: internal package, not exported. */
package org.duplex.cluster;
