package org.duplex.mirror.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.duplex.mirror.iscsi.IscsiServerConfig;
import org.duplex.mirror.iscsi.IscsiTarget;
import org.duplex.mirror.iscsi.pdu.Opcode;
import org.duplex.mirror.iscsi.pdu.Pdu;

/**
 * The login phase of one connection (RFC 7143 §6.3, §13): a pure state machine from Login Request PDUs to Login
 * Response PDUs. Security stage with CHAP (MD5, optionally mutual) or none, operational stage negotiating the
 * RFC 7143 keys against this target's limits, then the full feature phase. Never throws on bad input: every
 * refusal is a Login Response with the status class and detail the RFC gives, after which the connection closes.
 */
public final class LoginNegotiator {
    public static final int STAGE_SECURITY = 0;
    public static final int STAGE_OPERATIONAL = 1;
    public static final int STAGE_FULL_FEATURE = 3;
    /** Login text gathered over continued (C bit) PDUs may not exceed this. */
    static final int MAX_LOGIN_TEXT = 64 * 1024;

    // status class << 8 | detail (§11.13.5)
    public static final int SUCCESS = 0x0000;
    public static final int AUTH_FAILURE = 0x0201;
    public static final int NOT_FOUND = 0x0203;
    public static final int UNSUPPORTED_VERSION = 0x0205;
    public static final int MISSING_PARAMETER = 0x0207;
    public static final int SESSION_DOES_NOT_EXIST = 0x020a;
    public static final int INVALID_REQUEST = 0x020b;
    public static final int INITIATOR_ERROR = 0x0200;
    public static final int SERVICE_UNAVAILABLE = 0x0301;

    /** Result of one request: the response and what the connection does next. */
    public record Step(Pdu response, Outcome outcome, String reason) {
    }

    public enum Outcome { CONTINUE, FULL_FEATURE, CLOSE }

    private enum ChapState { NONE, WAIT_ALGORITHM, WAIT_RESPONSE, DONE }

    private final Function<String, Optional<IscsiTarget>> lookup;
    private final IscsiServerConfig config;
    private final SecureRandom random;
    private final int tsih;

    private boolean first = true;
    private int stage = -1;
    private byte[] isid;

    /** The initiator port name of the session being logged in: {@code InitiatorName,i,0xISID} (RFC 7143 §4.2.7.1). */
    public String initiatorPortName() {
        return initiatorName() + ",i,0x" + (isid == null ? "000000000000" : java.util.HexFormat.of().formatHex(isid));
    }
    private int statSN;
    private int cmdSN;
    private int itt;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private String initiatorName;
    private boolean discovery;
    private IscsiTarget target;
    private boolean authenticated;
    private ChapState chap = ChapState.NONE;
    private int chapId;
    private byte[] chapChallenge;
    private boolean declaredMrdsl;

    // negotiated values, RFC 7143 defaults until changed
    private boolean headerDigest;
    private boolean dataDigest;
    private int maxSend = 8192;
    private int maxBurst = 262144;
    private int firstBurst = 65536;
    private boolean initialR2T = true;
    private boolean immediateData = true;
    private int maxOutstandingR2T = 1;
    private int time2Wait = 2;
    private int time2Retain = 20;

    public LoginNegotiator(Function<String, Optional<IscsiTarget>> lookup, IscsiServerConfig config,
                           SecureRandom random, int tsih) {
        this.lookup = lookup;
        this.config = config;
        this.random = random;
        this.tsih = tsih;
    }

    public Optional<IscsiTarget> target() {
        return Optional.ofNullable(target);
    }

    public int statSN() {
        return statSN;
    }

    public int cmdSN() {
        return cmdSN;
    }

    public String initiatorName() {
        return initiatorName;
    }

    public SessionParams params() {
        return new SessionParams(discovery, initiatorName, target == null ? "" : target.iqn(), headerDigest,
                dataDigest, config.maxRecvDataSegmentLength(), maxSend, maxBurst, Math.min(firstBurst, maxBurst),
                initialR2T, immediateData, maxOutstandingR2T, true, true, 0, time2Wait, time2Retain, 1);
    }

    public Step step(Pdu req) {
        if (req.opcode() != Opcode.LOGIN_REQUEST) {
            return fail(req, INVALID_REQUEST, "opcode " + req.opcode() + " during login");
        }
        int flags = req.flags();
        boolean transit = (flags & 0x80) != 0;
        boolean cont = (flags & 0x40) != 0;
        int csg = (flags >> 2) & 3;
        int nsg = flags & 3;
        if (first) {
            isid = req.bhsRange(8, 14);
            statSN = req.u32(28); // ExpStatSN: start where the initiator expects
            itt = req.itt();
            cmdSN = req.u32(24);
            if (req.u8(3) > 0) { // Version-min
                return fail(req, UNSUPPORTED_VERSION, "initiator needs iSCSI version " + req.u8(3));
            }
            if (req.u16(14) != 0) {
                // adding a connection to an existing session: MaxConnections is 1 here
                return fail(req, SESSION_DOES_NOT_EXIST, "login with TSIH " + req.u16(14)
                        + " (connection reinstatement or MC/S is not supported)");
            }
        } else {
            if (!Arrays.equals(isid, req.bhsRange(8, 14))) {
                return fail(req, INVALID_REQUEST, "ISID changed during login");
            }
            itt = req.itt();
        }
        if (csg == 2 || (transit && (nsg == 2 || nsg <= csg)) || (stage >= 0 && csg < stage)) {
            return fail(req, INVALID_REQUEST, "invalid stage transition CSG=" + csg + " NSG=" + nsg);
        }
        if (cont && transit) {
            return fail(req, INVALID_REQUEST, "C and T bits both set");
        }
        stage = csg;
        if (pending.size() + req.data().length > MAX_LOGIN_TEXT) {
            return fail(req, INVALID_REQUEST, "login text longer than " + MAX_LOGIN_TEXT + " bytes");
        }
        pending.writeBytes(req.data());
        if (cont) {
            // more text follows: an empty response asks for it (§6.2)
            return new Step(response(req, false, csg, csg, SUCCESS, new byte[0]), Outcome.CONTINUE, "continue");
        }
        Map<String, String> keys;
        try {
            keys = TextParameters.parse(pending.toByteArray());
        } catch (IllegalArgumentException e) {
            return fail(req, INITIATOR_ERROR, e.getMessage());
        } finally {
            pending.reset();
        }
        LinkedHashMap<String, String> answer = new LinkedHashMap<>();
        if (first) {
            first = false;
            Step refused = leadingKeys(req, keys, answer);
            if (refused != null) {
                return refused;
            }
        }
        boolean chapRequired = target != null && target.chap().isPresent();
        if (csg == STAGE_SECURITY) {
            Step s = security(req, keys, answer, chapRequired);
            if (s != null) {
                return s;
            }
        } else if (chapRequired && !authenticated) {
            return fail(req, AUTH_FAILURE, "target " + target.iqn() + " requires CHAP; initiator skipped the "
                    + "security stage");
        } else {
            authenticated = true;
        }
        Step op = operational(req, keys, answer);
        if (op != null) {
            return op;
        }
        boolean grant = transit && authenticated;
        int next = grant ? nsg : csg;
        if (grant && nsg == STAGE_FULL_FEATURE) {
            if (csg == STAGE_SECURITY || !declaredMrdsl) {
                answer.put("MaxRecvDataSegmentLength", Integer.toString(config.maxRecvDataSegmentLength()));
            }
            return new Step(response(req, true, csg, next, SUCCESS, TextParameters.encode(answer)),
                    Outcome.FULL_FEATURE, "logged in");
        }
        if (grant && nsg == STAGE_OPERATIONAL) {
            stage = STAGE_OPERATIONAL;
        }
        return new Step(response(req, grant, csg, next, SUCCESS, TextParameters.encode(answer)), Outcome.CONTINUE,
                "negotiating");
    }

    /** Keys of the first request: who logs in, to which target, discovery or normal. */
    private Step leadingKeys(Pdu req, Map<String, String> keys, Map<String, String> answer) {
        initiatorName = keys.get("InitiatorName");
        if (initiatorName == null || initiatorName.isEmpty()) {
            return fail(req, MISSING_PARAMETER, "no InitiatorName in the first login request");
        }
        String type = keys.getOrDefault("SessionType", "Normal");
        if (type.equals("Discovery")) {
            discovery = true;
            return null;
        }
        if (!type.equals("Normal")) {
            return fail(req, INITIATOR_ERROR, "SessionType " + type);
        }
        String name = keys.get("TargetName");
        if (name == null || name.isEmpty()) {
            return fail(req, MISSING_PARAMETER, "normal session without TargetName");
        }
        Optional<IscsiTarget> t = lookup.apply(name);
        if (t.isEmpty()) {
            return fail(req, NOT_FOUND, "no target " + name);
        }
        target = t.get();
        Optional<String> standby = target.device().standby().or(() -> target.device().unavailable());
        if (standby.isPresent()) {
            // initiators retry (or follow the VIP to the primary) on a target error
            return fail(req, SERVICE_UNAVAILABLE, "target " + name + " is not served here now: " + standby.get());
        }
        answer.put("TargetPortalGroupTag", "1");
        if (!target.alias().isEmpty()) {
            answer.put("TargetAlias", target.alias());
        }
        return null;
    }

    private Step security(Pdu req, Map<String, String> keys, Map<String, String> answer, boolean chapRequired) {
        String methods = keys.get("AuthMethod");
        if (methods != null) {
            List<String> offered = List.of(methods.split(","));
            if (chapRequired) {
                if (!offered.contains("CHAP")) {
                    return fail(req, AUTH_FAILURE, "target " + target.iqn() + " requires CHAP; initiator offered "
                            + methods);
                }
                answer.put("AuthMethod", "CHAP");
                chap = ChapState.WAIT_ALGORITHM;
            } else if (offered.contains("None")) {
                answer.put("AuthMethod", "None");
                authenticated = true;
            } else {
                answer.put("AuthMethod", "Reject");
                return fail(req, AUTH_FAILURE, "initiator offered only " + methods + " and "
                        + (discovery ? "discovery sessions have no CHAP secret here" : "the target has no CHAP secret"));
            }
        } else if (!chapRequired && chap == ChapState.NONE) {
            authenticated = true;
        }
        if (chap == ChapState.WAIT_ALGORITHM && keys.containsKey("CHAP_A")) {
            if (!List.of(keys.get("CHAP_A").split(",")).contains(Chap.MD5)) {
                return fail(req, AUTH_FAILURE, "initiator offered CHAP algorithms " + keys.get("CHAP_A")
                        + ", only MD5 (5) is supported");
            }
            chapId = random.nextInt(256);
            chapChallenge = new byte[16];
            random.nextBytes(chapChallenge);
            answer.put("CHAP_A", Chap.MD5);
            answer.put("CHAP_I", Integer.toString(chapId));
            answer.put("CHAP_C", Chap.hex(chapChallenge));
            chap = ChapState.WAIT_RESPONSE;
        } else if (chap == ChapState.WAIT_RESPONSE) {
            return verifyChap(req, keys, answer);
        }
        return null;
    }

    private Step verifyChap(Pdu req, Map<String, String> keys, Map<String, String> answer) {
        ChapSecrets s = target.chap().orElseThrow();
        String n = keys.get("CHAP_N");
        String r = keys.get("CHAP_R");
        if (n == null || r == null) {
            return fail(req, AUTH_FAILURE, "CHAP_N or CHAP_R missing");
        }
        byte[] got;
        try {
            got = Chap.decode(r);
        } catch (IllegalArgumentException e) {
            return fail(req, AUTH_FAILURE, "CHAP_R: " + e.getMessage());
        }
        byte[] want = Chap.response(chapId, s.secret(), chapChallenge);
        // compare the response even when the name is wrong: no timing hint about which part failed
        boolean ok = MessageDigest.isEqual(want, got) & n.equals(s.user());
        if (!ok) {
            return fail(req, AUTH_FAILURE, "CHAP authentication of '" + n + "' failed for target " + target.iqn());
        }
        String mi = keys.get("CHAP_I");
        String mc = keys.get("CHAP_C");
        if (mi != null || mc != null) {
            if (mi == null || mc == null) {
                return fail(req, AUTH_FAILURE, "mutual CHAP needs both CHAP_I and CHAP_C");
            }
            if (s.targetSecret().isEmpty()) {
                return fail(req, AUTH_FAILURE, "initiator asked for mutual CHAP; target " + target.iqn()
                        + " has no target.secret");
            }
            int id;
            byte[] challenge;
            try {
                id = Integer.parseInt(mi);
                challenge = Chap.decode(mc);
            } catch (IllegalArgumentException e) {
                return fail(req, AUTH_FAILURE, "mutual CHAP_I/CHAP_C malformed");
            }
            if (id < 0 || id > 255 || challenge.length == 0 || challenge.length > 1024
                    || Arrays.equals(challenge, chapChallenge)) {
                // an initiator replaying our own challenge would get us to compute its answer (§12.1.3)
                return fail(req, AUTH_FAILURE, "mutual CHAP challenge refused");
            }
            answer.put("CHAP_N", s.targetUser().orElseThrow());
            answer.put("CHAP_R", Chap.hex(Chap.response(id, s.targetSecret().get(), challenge)));
        }
        chap = ChapState.DONE;
        authenticated = true;
        return null;
    }

    private static final List<String> DECLARED = List.of("InitiatorName", "InitiatorAlias", "TargetName",
            "SessionType", "AuthMethod", "CHAP_A", "CHAP_N", "CHAP_R", "CHAP_I", "CHAP_C");

    /** Answers the operational keys offered (§13), whatever stage they come in. */
    private Step operational(Pdu req, Map<String, String> keys, Map<String, String> answer) {
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (DECLARED.contains(k)) {
                continue;
            }
            switch (k) {
                case "HeaderDigest":
                    headerDigest = digest(v, answer, k);
                    break;
                case "DataDigest":
                    dataDigest = digest(v, answer, k);
                    break;
                case "MaxRecvDataSegmentLength": {
                    Integer n = number(v, 512, 0xffffff);
                    if (n == null) {
                        return fail(req, INITIATOR_ERROR, "MaxRecvDataSegmentLength " + v);
                    }
                    maxSend = n;
                    answer.put(k, Integer.toString(config.maxRecvDataSegmentLength()));
                    declaredMrdsl = true;
                    break;
                }
                case "MaxBurstLength":
                    maxBurst = min(k, v, 512, 0xffffff, config.maxBurstLength(), maxBurst, answer);
                    break;
                case "FirstBurstLength":
                    firstBurst = min(k, v, 512, 0xffffff, config.firstBurstLength(), firstBurst, answer);
                    break;
                case "MaxOutstandingR2T":
                    maxOutstandingR2T = min(k, v, 1, 65535, 1, maxOutstandingR2T, answer);
                    break;
                case "MaxConnections":
                    min(k, v, 1, 65535, 1, 1, answer);
                    break;
                case "ErrorRecoveryLevel":
                    min(k, v, 0, 2, 0, 0, answer);
                    break;
                case "DefaultTime2Retain":
                    time2Retain = min(k, v, 0, 3600, 0, time2Retain, answer);
                    break;
                case "DefaultTime2Wait": {
                    Integer n = number(v, 0, 3600);
                    if (n == null) {
                        answer.put(k, "Reject");
                    } else {
                        time2Wait = Math.max(n, 2);
                        answer.put(k, Integer.toString(time2Wait));
                    }
                    break;
                }
                case "InitialR2T":
                    // OR: Yes if either side wants it; this target accepts unsolicited data
                    initialR2T = bool(k, v, answer, v.equals("Yes"));
                    break;
                case "ImmediateData":
                    immediateData = bool(k, v, answer, v.equals("Yes"));
                    break;
                case "DataPDUInOrder":
                case "DataSequenceInOrder":
                    bool(k, v, answer, true); // this target needs both in order
                    break;
                case "IFMarker":
                case "OFMarker":
                    bool(k, v, answer, false);
                    break;
                case "IFMarkInt":
                case "OFMarkInt":
                    answer.put(k, "Irrelevant");
                    break;
                case "TargetPortalGroupTag":
                case "TargetAlias":
                case "TargetAddress":
                    return fail(req, INITIATOR_ERROR, "initiator sent the target-only key " + k);
                default:
                    answer.put(k, "NotUnderstood");
            }
        }
        return null;
    }

    private static boolean digest(String offered, Map<String, String> answer, String key) {
        for (String d : offered.split(",")) {
            String u = d.trim().toUpperCase(Locale.ROOT);
            if (u.equals("NONE") || u.equals("CRC32C")) {
                answer.put(key, u.equals("NONE") ? "None" : "CRC32C");
                return u.equals("CRC32C");
            }
        }
        answer.put(key, "Reject");
        return false;
    }

    private static Integer number(String v, int lo, int hi) {
        try {
            long n = Long.parseLong(v);
            return n < lo || n > hi ? null : (int) n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int min(String key, String v, int lo, int hi, int ours, int current, Map<String, String> answer) {
        Integer n = number(v, lo, hi);
        if (n == null) {
            answer.put(key, "Reject");
            return current;
        }
        int r = Math.min(n, ours);
        answer.put(key, Integer.toString(r));
        return r;
    }

    private static boolean bool(String key, String v, Map<String, String> answer, boolean result) {
        if (!v.equals("Yes") && !v.equals("No")) {
            answer.put(key, "Reject");
            return result;
        }
        answer.put(key, result ? "Yes" : "No");
        return result;
    }

    private Pdu response(Pdu req, boolean transit, int csg, int nsg, int status, byte[] data) {
        Pdu p = Pdu.of(Opcode.LOGIN_RESPONSE, data);
        p.u8(1, (transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0));
        p.u8(2, 0); // Version-max
        p.u8(3, 0); // Version-active
        System.arraycopy(req.bhs(), 8, p.bhs(), 8, 6); // ISID
        p.u16(14, status == SUCCESS && transit && nsg == STAGE_FULL_FEATURE ? tsih : 0);
        p.u32(16, req.itt());
        p.u32(24, statSN++);
        p.u32(28, cmdSN);
        p.u32(32, cmdSN + config.queueDepth() - 1);
        p.u8(36, status >> 8);
        p.u8(37, status & 0xff);
        return p;
    }

    private Step fail(Pdu req, int status, String reason) {
        int csg = (req.flags() >> 2) & 3;
        return new Step(response(req, false, csg == 2 ? 0 : csg, 0, status, new byte[0]), Outcome.CLOSE, reason);
    }
}
