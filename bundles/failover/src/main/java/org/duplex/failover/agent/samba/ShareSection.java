package org.duplex.failover.agent.samba;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One [share] section of smb.conf, built from resource parameters, and the editing of an include file that holds
 * several such sections (other sections and comments are kept as they are).
 */
public final class ShareSection {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.$-]{0,79}");
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[([^\\]]+)]\\s*$");

    /** Resource parameter to smb.conf key, in the order they are written. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("comment", "comment");
        KEYS.put("path", "path");
        KEYS.put("valid-users", "valid users");
        KEYS.put("write-list", "write list");
        KEYS.put("read-only", "read only");
        KEYS.put("browseable", "browseable");
        KEYS.put("create-mask", "create mask");
        KEYS.put("directory-mask", "directory mask");
        KEYS.put("force-user", "force user");
        KEYS.put("force-group", "force group");
        KEYS.put("inherit-acls", "inherit acls");
        KEYS.put("inherit-permissions", "inherit permissions");
        KEYS.put("nt-acl-support", "nt acl support");
        KEYS.put("map-acl-inherit", "map acl inherit");
        KEYS.put("vfs-objects", "vfs objects");
    }

    private ShareSection() {
    }

    /** Checks a share name and its parameter values; empty when fine. */
    public static List<String> problems(String share, Map<String, String> params) {
        List<String> out = new ArrayList<>();
        if (!NAME.matcher(share).matches()) {
            out.add("share name '" + share + "' must be 1-80 letters, digits, '_', '.', '$' or '-'");
        }
        params.forEach((k, v) -> {
            if (v.contains("\n") || v.contains("\r") || v.contains("[") || v.contains("]")) {
                out.add("parameter '" + k + "' must not contain line breaks or brackets");
            }
        });
        for (String mask : List.of("create-mask", "directory-mask")) {
            String v = params.get(mask);
            if (v != null && !v.matches("0?[0-7]{3,4}")) {
                out.add(mask + " must be an octal mode like 0660, was '" + v + "'");
            }
        }
        return out;
    }

    /** The section text: "[name]" then "   key = value" lines; {@code smb.<key>} parameters pass through. */
    public static String render(String share, Map<String, String> params) {
        StringBuilder sb = new StringBuilder("[").append(share).append("]\n");
        sb.append("   # managed by Duplex: changes are overwritten at the next start\n");
        KEYS.forEach((param, key) -> {
            String v = params.get(param);
            if (v != null) {
                sb.append("   ").append(key).append(" = ").append(v).append('\n');
            }
        });
        params.entrySet().stream().filter(e -> e.getKey().startsWith("smb."))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append("   ").append(e.getKey().substring(4).replace('-', ' ')).append(" = ")
                        .append(e.getValue()).append('\n'));
        return sb.toString();
    }

    /** The file with the section of {@code share} replaced by {@code section} (or removed when null). */
    public static String replace(String file, String share, String section) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        boolean written = false;
        for (String line : file.split("\n", -1)) {
            var m = SECTION.matcher(line);
            if (m.matches()) {
                skipping = m.group(1).trim().equalsIgnoreCase(share);
                if (skipping && section != null && !written) {
                    out.append(section);
                    written = true;
                }
                if (skipping) {
                    continue;
                }
            }
            if (!skipping) {
                out.append(line).append('\n');
            }
        }
        String text = out.toString().replaceAll("\n+$", "\n");
        if (text.equals("\n")) {
            text = "";
        }
        if (section != null && !written) {
            text = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : "\n") + section;
        }
        return text;
    }

    /** The current section of {@code share} in the file, or null. */
    public static String find(String file, String share) {
        StringBuilder out = null;
        for (String line : file.split("\n", -1)) {
            var m = SECTION.matcher(line);
            if (m.matches()) {
                if (out != null) {
                    break;
                }
                if (m.group(1).trim().equalsIgnoreCase(share)) {
                    out = new StringBuilder();
                }
            }
            if (out != null) {
                out.append(line).append('\n');
            }
        }
        return out == null ? null : out.toString().replaceAll("\n+$", "\n");
    }
}
