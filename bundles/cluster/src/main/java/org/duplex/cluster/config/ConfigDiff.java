package org.duplex.cluster.config;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two configurations' YAML renderings, for an operator to review before an import applies. */
public final class ConfigDiff {

    private ConfigDiff() {
    }

    /** Lines prefixed "- " (only in old), "+ " (only in new); empty when the content is the same. */
    public static List<String> diff(ClusterConfig before, ClusterConfig after) {
        List<String> a = lines(before.stamped(0, 0));
        List<String> b = lines(after.stamped(0, 0));
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + a.get(i++));
            } else {
                out.add("+ " + b.get(j++));
            }
        }
        return out;
    }

    private static List<String> lines(ClusterConfig c) {
        return List.of(ConfigCodec.write(c, ConfigCodec.Format.YAML).split("\n"));
    }
}
