package org.duplex.plugin.mariadb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.duplex.api.agent.ReplicationPosition;

/**
 * A MariaDB global transaction id, {@code domain-server-seq}, and the lists of them the server shows
 * ({@code gtid_current_pos}, {@code gtid_binlog_state}, {@code Gtid_IO_Pos}: comma-separated, possibly empty).
 *
 * <p>Positions are compared within one replication domain (the agent's assumption, written in the README: every
 * node writes in the same {@code gtid_domain_id}, default 0). MariaDB numbers the transactions of a domain with
 * one growing sequence that continues across promotions (a new primary's first transaction is one past the last
 * it applied). MariaDB has no timeline, so the agent makes one inside that sequence: each promotion writes one
 * marker transaction whose sequence number starts the next multiple of 2^32 ({@link #GENERATION_STEP}); the
 * upper 32 bits of a sequence number are the {@link ReplicationPosition#generation()}, the lower 32 bits the
 * {@link ReplicationPosition#offset()} in transactions. A dead primary's unreplicated commits stay on the old
 * generation, behind any copy of the new one whatever their count, as a PostgreSQL copy on an older timeline is;
 * {@link #extraOver} names them from the binlog states.
 */
record Gtid(long domain, long server, long seq) {

    static final String UNIT = "transactions";
    /** The sequence numbers of one generation: a promotion starts the next multiple of this. */
    static final long GENERATION_STEP = 1L << 32;
    private static final Pattern ONE = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

    @Override
    public String toString() {
        return domain + "-" + server + "-" + seq;
    }

    /** A GTID list; a malformed item is an IllegalArgumentException naming it. */
    static List<Gtid> parseList(String text) {
        List<Gtid> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String item : text.split(",")) {
            String t = item.strip();
            if (t.isEmpty()) {
                continue;
            }
            Matcher m = ONE.matcher(t);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a GTID (domain-server-seq): '" + t + "'");
            }
            try {
                out.add(new Gtid(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("GTID out of range: '" + t + "'");
            }
        }
        return out;
    }

    /** The GTID of {@code domain} in a position list (one per domain); empty when the domain has none. */
    static Optional<Gtid> inDomain(String list, long domain) {
        return parseList(list).stream().filter(g -> g.domain == domain).reduce((a, b) -> a.seq >= b.seq ? a : b);
    }

    /** The position the engine compares: the generation and offset of the domain's sequence number. */
    static ReplicationPosition position(Gtid g) {
        long gen = generation(g.seq);
        return new ReplicationPosition(gen, g.seq % GENERATION_STEP, UNIT, g + (gen == 0 ? ""
                : " (generation " + gen + ", transaction " + g.seq % GENERATION_STEP + ")"));
    }

    static long generation(long seq) {
        return seq / GENERATION_STEP;
    }

    /** The sequence number of the marker transaction that starts the generation after {@code seq}'s. */
    static long nextGeneration(long seq) {
        return (generation(seq) + 1) * GENERATION_STEP;
    }

    /** Position of a copy that has no transaction yet in the domain. */
    static ReplicationPosition empty(long domain) {
        return new ReplicationPosition(0, 0, UNIT, "no transaction yet in GTID domain " + domain);
    }

    /** Per server, the last sequence number a binlog state ({@code gtid_binlog_state}) lists in {@code domain}. */
    static Map<Long, Long> stateOf(String binlogState, long domain) {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (Gtid g : parseList(binlogState)) {
            if (g.domain == domain) {
                out.merge(g.server, g.seq, Math::max);
            }
        }
        return out;
    }

    /**
     * What a copy whose binlog state is {@code mine} has and a copy with binlog state {@code theirs} lacks, in
     * {@code domain}: empty when every server's last transaction in {@code mine} is in {@code theirs} (a server's
     * transactions reach every copy in order, so having its later ones means having these). Otherwise the
     * transactions after the last point both have, as a sentence naming their GTIDs: "0-1-101..0-1-105
     * (5 transactions)".
     */
    static Optional<String> extraOver(String mine, String theirs, long domain) {
        Map<Long, Long> a = stateOf(mine, domain);
        Map<Long, Long> b = stateOf(theirs, domain);
        long common = 0;
        long top = 0;
        Gtid tip = null;
        List<Gtid> missing = new ArrayList<>();
        for (Map.Entry<Long, Long> e : a.entrySet()) {
            long server = e.getKey();
            long seq = e.getValue();
            long have = b.getOrDefault(server, -1L);
            if (have >= seq) {
                common = Math.max(common, seq);
            } else {
                missing.add(new Gtid(domain, server, seq));
                if (have >= 0) {
                    common = Math.max(common, have);
                }
            }
            if (seq > top) {
                top = seq;
                tip = new Gtid(domain, server, seq);
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        long from = common + 1;
        Gtid last = missing.stream().reduce((x, y) -> x.seq >= y.seq ? x : y).orElseThrow();
        if (tip != null && tip.seq > last.seq) {
            last = tip;
        }
        long count = last.seq - common;
        String range = from >= last.seq ? last.toString()
                : domain + "-" + last.server + "-" + from + ".." + last;
        return Optional.of(range + " (" + count + " transaction" + (count == 1 ? "" : "s") + " after the last "
                + "common sequence number " + common + " of domain " + domain + ")");
    }
}
