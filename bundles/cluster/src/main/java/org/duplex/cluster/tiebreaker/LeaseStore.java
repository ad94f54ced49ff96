package org.duplex.cluster.tiebreaker;

import java.io.IOException;
import java.util.Optional;

/** Where the arbitration lease lives: a region of a shared disk (or a file on shared storage). */
public interface LeaseStore {

    /** Reads the record; empty when the region was never written. Throws on I/O failure or a torn record. */
    Optional<LeaseRecord> read() throws IOException;

    /** Writes the record durably (returns only after the device acknowledged a flush). */
    void write(LeaseRecord record) throws IOException;
}
