/** Duplex heartbeat: internal package, not exported. */
package org.duplex.heartbeat;
