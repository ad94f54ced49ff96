package org.duplex.failover.fence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ipmitool's command lines and the reading of its output, with no I/O: what {@link IpmiFenceDevice} runs and how
 * it understands the answer. The password is never an argument: ipmitool reads it from {@code -f FILE}.
 */
public final class IpmiTool {

    /** What {@code chassis power status} said. */
    public enum Power {
        ON, OFF, UNKNOWN
    }

    private static final Pattern STATUS = Pattern.compile("Chassis Power is (on|off)", Pattern.CASE_INSENSITIVE);
    /** What ipmitool -v prints on every call, successful or not (lines joined by spaces): noise for an operator. */
    private static final List<Pattern> NOISE = List.of(
            Pattern.compile("Loading IANA PEN Registry\\.\\.\\."),
            Pattern.compile("Get HPM\\.x Capabilities request failed, compcode = \\w+"),
            Pattern.compile("Running Get VSO Capabilities my_addr \\w+, transit \\w+, target \\w+"
                    + "( Invalid completion code received: .*?(?= Discovered IPMB|$))?"),
            Pattern.compile("Discovered IPMB address \\w+"));

    private IpmiTool() {
    }

    /**
     * {@code ipmitool -I lanplus -H host -p port -U user -f passwordfile -L PRIV -C suite -N s -R n -v chassis power
     * WORD}: one argument each, run without a shell. {@code -v} makes ipmitool say why a session failed (a wrong
     * password and an unknown user are otherwise the same line as a silent BMC).
     */
    public static List<String> command(IpmiSettings s, IpmiSettings.Bmc bmc, String powerWord) {
        List<String> c = new ArrayList<>(List.of(s.ipmitool().toString(), "-I", "lanplus", "-H", bmc.host(),
                "-p", Integer.toString(bmc.port()), "-U", s.user(), "-f", s.passwordFile().toString(),
                "-L", s.privilege().name(), "-C", Integer.toString(s.cipherSuite()),
                "-N", Long.toString(s.lanTimeout().toSeconds()), "-R", Integer.toString(s.retries()), "-v",
                "chassis", "power", powerWord));
        return List.copyOf(c);
    }

    /** The power state in a {@code chassis power status} answer. */
    public static Power power(String output) {
        Matcher m = STATUS.matcher(output);
        if (!m.find()) {
            return Power.UNKNOWN;
        }
        return m.group(1).toLowerCase(Locale.ROOT).equals("on") ? Power.ON : Power.OFF;
    }

    /** ipmitool's output without the lines {@code -v} prints on every call. */
    public static String clean(String output) {
        String s = output;
        for (Pattern n : NOISE) {
            s = n.matcher(s).replaceAll("");
        }
        return s.replaceAll("\\s+", " ").strip();
    }

    /** Whether the failure means the BMC cannot be talked to at all (so reading its status back is pointless). */
    public static boolean sessionFailed(String output) {
        return output.contains("Unable to establish IPMI v2") || output.contains("RAKP")
                || output.contains("Get Auth Capabilities error");
    }

    /**
     * An operator's reading of a failed ipmitool call: what went wrong and which setting to look at. Never contains
     * the password (ipmitool never prints it).
     */
    public static String diagnose(String output, IpmiSettings s, IpmiSettings.Bmc bmc, String nodeKey) {
        String o = output;
        String why;
        if (o.contains("RAKP 2 HMAC is invalid")) {
            why = "the BMC at " + bmc + " refused the password for user '" + s.user() + "' (RAKP 2 HMAC is invalid): "
                    + "check the first line of password.file " + s.passwordFile();
        } else if (o.contains("unauthorized name")) {
            why = "the BMC at " + bmc + " does not know user '" + s.user() + "' (RAKP 2: unauthorized name): check "
                    + "user =";
        } else if (o.contains("invalid authentication algorithm") || o.contains("invalid integrity algorithm")
                || o.contains("invalid confidentiality algorithm") || o.contains("no matching cipher suite")
                || o.contains("invalid cipher suite")) {
            why = "the BMC at " + bmc + " refused cipher suite " + s.cipherSuite() + ": set cipher.suite to one it "
                    + "offers (3 or 17 on most BMCs)";
        } else if (o.contains("Insufficient privilege") && o.contains("failed")
                || o.contains("requested privilege level") || o.contains("privilege level exceeds")) {
            why = "user '" + s.user() + "' at privilege " + s.privilege().word() + " may not control chassis power "
                    + "on " + bmc + ": set privilege = operator or administrator and give the BMC user that right";
        } else if (o.contains("Get Auth Capabilities error") || o.contains("No response")
                || o.contains("Unable to establish IPMI v2")) {
            why = "no IPMI answer from the BMC at " + bmc + ": check " + nodeKey + ", the network path to it, and "
                    + "that IPMI over LAN (lanplus) is enabled on it";
        } else if (o.contains("No such file") && o.contains(s.passwordFile().toString())) {
            why = "ipmitool cannot read password.file " + s.passwordFile();
        } else {
            why = "ipmitool failed";
        }
        String said = clean(o);
        return why + (said.isBlank() ? "" : " [ipmitool: " + said + "]");
    }
}
