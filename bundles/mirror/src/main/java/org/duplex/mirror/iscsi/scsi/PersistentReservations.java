package org.duplex.mirror.iscsi.scsi;

import static org.duplex.mirror.iscsi.scsi.BigEndian.put16;
import static org.duplex.mirror.iscsi.scsi.BigEndian.put32;
import static org.duplex.mirror.iscsi.scsi.BigEndian.put64;
import static org.duplex.mirror.iscsi.scsi.BigEndian.u64;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPC-4 persistent reservations of one logical unit, shared by all its sessions (§5.13): registrations per I_T nexus
 * (the initiator port name, {@code InitiatorName,i,0xISID}; this target has one port), one reservation of one of the
 * six types, the generation counter, and the access rules that answer RESERVATION CONFLICT. Kept in memory: they do
 * not survive a restart or a failover (REPORT CAPABILITIES says PTPL_C 0, and APTPL is refused), so clustered
 * initiators register again after a path change, as they do after a target reset.
 */
public final class PersistentReservations {
    public static final int WRITE_EXCLUSIVE = 1;
    public static final int EXCLUSIVE_ACCESS = 3;
    public static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;
    public static final int EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 6;
    public static final int WRITE_EXCLUSIVE_ALL_REGISTRANTS = 7;
    public static final int EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 8;

    /** What a command does, for the conflict rules. */
    public enum Access { ALWAYS, READ, WRITE }

    private final Map<String, Long> registrations = new LinkedHashMap<>();
    private int generation;
    private String holder; // the reserving nexus (any registrant holds an all-registrants reservation)
    private int type;      // 0: no reservation
    private volatile boolean active;

    private static boolean allRegistrants(int type) {
        return type == WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    private static boolean validType(int t) {
        return t == 1 || t == 3 || t == 5 || t == 6 || t == 7 || t == 8;
    }

    private boolean holds(String nexus) {
        return type != 0 && (allRegistrants(type) ? registrations.containsKey(nexus) : nexus.equals(holder));
    }

    /** Whether this nexus may run a command of this access class now (false: RESERVATION CONFLICT). */
    public boolean allowed(String nexus, Access access) {
        if (!active || access == Access.ALWAYS) {
            return true;
        }
        synchronized (this) {
            if (type == 0 || holds(nexus)) {
                return true;
            }
            boolean registered = registrations.containsKey(nexus);
            switch (type) {
                case WRITE_EXCLUSIVE:
                    return access == Access.READ;
                case EXCLUSIVE_ACCESS:
                    return false;
                case WRITE_EXCLUSIVE_REGISTRANTS_ONLY:
                case WRITE_EXCLUSIVE_ALL_REGISTRANTS:
                    return registered || access == Access.READ;
                default: // the exclusive-access registrants-only / all-registrants types
                    return registered;
            }
        }
    }

    // ------------------------------------------------------------------ PERSISTENT RESERVE IN

    /** PERSISTENT RESERVE IN (0x5E). */
    public synchronized ScsiResult in(String nexus, byte[] cdb) {
        int sa = cdb[1] & 0x1f;
        int alloc = ((cdb[7] & 0xff) << 8) | (cdb[8] & 0xff);
        byte[] d;
        switch (sa) {
            case 0: { // READ KEYS
                d = new byte[8 + 8 * registrations.size()];
                put32(d, 0, generation);
                put32(d, 4, 8L * registrations.size());
                int off = 8;
                for (long k : registrations.values()) {
                    put64(d, off, k);
                    off += 8;
                }
                break;
            }
            case 1: // READ RESERVATION
                if (type == 0) {
                    d = new byte[8];
                    put32(d, 0, generation);
                } else {
                    d = new byte[24];
                    put32(d, 0, generation);
                    put32(d, 4, 16);
                    put64(d, 8, allRegistrants(type) ? 0 : registrations.getOrDefault(holder, 0L));
                    d[21] = (byte) type; // scope 0: logical unit
                }
                break;
            case 2: // REPORT CAPABILITIES
                d = new byte[8];
                d[1] = 8;
                d[2] = 0; // CRH, SIP_C, ATP_C, PTPL_C: none
                d[3] = (byte) 0x80; // TMV: the type mask is valid; ALLOW COMMANDS 0; PTPL_A 0
                d[4] = (byte) (0x80 | 0x40 | 0x20 | 0x08 | 0x02); // WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX
                d[5] = 0x01; // EX_AC_AR
                break;
            case 3: { // READ FULL STATUS
                List<byte[]> descs = new ArrayList<>();
                for (Map.Entry<String, Long> e : registrations.entrySet()) {
                    byte[] tid = transportId(e.getKey());
                    byte[] x = new byte[24 + tid.length];
                    put64(x, 0, e.getValue());
                    boolean h = holds(e.getKey());
                    x[12] = (byte) (h ? 0x01 : 0); // R_HOLDER (ALL_TG_PT 0)
                    x[13] = (byte) (h ? type : 0);
                    put16(x, 18, 1); // relative target port identifier
                    put32(x, 20, tid.length);
                    System.arraycopy(tid, 0, x, 24, tid.length);
                    descs.add(x);
                }
                int len = descs.stream().mapToInt(x -> x.length).sum();
                d = new byte[8 + len];
                put32(d, 0, generation);
                put32(d, 4, len);
                int off = 8;
                for (byte[] x : descs) {
                    System.arraycopy(x, 0, d, off, x.length);
                    off += x.length;
                }
                break;
            }
            default:
                return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        return ScsiResult.good(Arrays.copyOf(d, Math.min(d.length, alloc)));
    }

    /** An iSCSI TransportID, format 01h: the initiator port name, NUL-terminated, padded to 4 bytes (SPC-4 7.6.4.6). */
    private static byte[] transportId(String nexus) {
        byte[] name = nexus.getBytes(StandardCharsets.UTF_8);
        int n = Math.max(20, (name.length + 1 + 3) & ~3);
        byte[] t = new byte[4 + n];
        t[0] = 0x45; // format 01, protocol 5 (iSCSI)
        put16(t, 2, n);
        System.arraycopy(name, 0, t, 4, name.length);
        return t;
    }

    // ------------------------------------------------------------------ PERSISTENT RESERVE OUT

    /** PERSISTENT RESERVE OUT (0x5F) with its parameter list. */
    public synchronized ScsiResult out(String nexus, byte[] cdb, byte[] param) {
        int sa = cdb[1] & 0x1f;
        int scope = (cdb[2] >> 4) & 0x0f;
        int newType = cdb[2] & 0x0f;
        long listLen = ((long) (cdb[5] & 0xff) << 24) | ((cdb[6] & 0xff) << 16) | ((cdb[7] & 0xff) << 8)
                | (cdb[8] & 0xff);
        if (sa > 6) { // REGISTER AND MOVE and beyond: not supported
            return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
        }
        if (listLen != 24 || param.length < 24) {
            return ScsiResult.check(Sense.PARAMETER_LIST_LENGTH_ERROR);
        }
        long key = u64(param, 0);
        long saKey = u64(param, 8);
        int flags = param[20] & 0xff;
        if ((flags & 0x0d) != 0) { // SPEC_I_PT, ALL_TG_PT, APTPL: not supported (REPORT CAPABILITIES says so)
            return ScsiResult.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        Long mine = registrations.get(nexus);
        ScsiResult r;
        switch (sa) {
            case 0: // REGISTER
            case 6: // REGISTER AND IGNORE EXISTING KEY
                if (mine == null) {
                    if (sa == 0 && key != 0) {
                        return ScsiResult.conflict();
                    }
                    if (saKey != 0) {
                        registrations.put(nexus, saKey);
                    }
                } else {
                    if (sa == 0 && key != mine) {
                        return ScsiResult.conflict();
                    }
                    if (saKey == 0) {
                        unregister(nexus);
                    } else {
                        registrations.put(nexus, saKey);
                    }
                }
                generation++;
                r = ScsiResult.good();
                break;
            case 1: // RESERVE
                if (mine == null || key != mine) {
                    return ScsiResult.conflict();
                }
                if (scope != 0 || !validType(newType)) {
                    return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
                }
                if (type == 0) {
                    type = newType;
                    holder = nexus;
                    r = ScsiResult.good();
                } else {
                    r = holds(nexus) && type == newType ? ScsiResult.good() : ScsiResult.conflict();
                }
                break;
            case 2: // RELEASE
                if (mine == null || key != mine) {
                    return ScsiResult.conflict();
                }
                if (type == 0 || !holds(nexus)) {
                    r = ScsiResult.good(); // nothing of this nexus's to release
                } else if (scope != 0 || newType != type) {
                    r = ScsiResult.check(Sense.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
                } else {
                    type = 0;
                    holder = null;
                    r = ScsiResult.good();
                }
                break;
            case 3: // CLEAR
                if (mine == null || key != mine) {
                    return ScsiResult.conflict();
                }
                registrations.clear();
                type = 0;
                holder = null;
                generation++;
                r = ScsiResult.good();
                break;
            default: // 4 PREEMPT, 5 PREEMPT AND ABORT (no task of another nexus outlives its command here)
                if (mine == null || key != mine) {
                    return ScsiResult.conflict();
                }
                r = preempt(nexus, saKey, scope, newType);
                if (r.ok()) {
                    generation++;
                }
                break;
        }
        active = !registrations.isEmpty() || type != 0;
        return r;
    }

    private ScsiResult preempt(String nexus, long saKey, int scope, int newType) {
        if (type != 0 && allRegistrants(type) && saKey == 0) {
            if (scope != 0 || !validType(newType)) {
                return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
            }
            registrations.keySet().removeIf(n -> !n.equals(nexus));
            type = newType;
            holder = nexus;
            return ScsiResult.good();
        }
        boolean holdersKey = type != 0 && !allRegistrants(type) && registrations.containsKey(holder)
                && registrations.get(holder) == saKey;
        if (holdersKey) {
            if (scope != 0 || !validType(newType)) {
                return ScsiResult.check(Sense.INVALID_FIELD_IN_CDB);
            }
            registrations.entrySet().removeIf(e -> e.getValue() == saKey && !e.getKey().equals(nexus));
            type = newType;
            holder = nexus;
            return ScsiResult.good();
        }
        if (saKey == 0) {
            return ScsiResult.check(Sense.INVALID_FIELD_IN_PARAMETER_LIST);
        }
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Long> e : registrations.entrySet()) {
            if (e.getValue() == saKey) {
                gone.add(e.getKey());
            }
        }
        if (gone.isEmpty()) {
            return ScsiResult.conflict();
        }
        gone.forEach(this::unregister);
        return ScsiResult.good();
    }

    /** Removes a registration; its holder's reservation goes with it (an all-registrants one with the last). */
    private void unregister(String nexus) {
        registrations.remove(nexus);
        if (type != 0 && (allRegistrants(type) ? registrations.isEmpty() : nexus.equals(holder))) {
            type = 0;
            holder = null;
        }
    }

    // ------------------------------------------------------------------ bytes




}
