package org.duplex.plugin.backup.job;

import java.util.ArrayList;
import java.util.List;

/** How many snapshots to keep ({@code restic forget --keep-*}); all zero = keep everything (no forget runs). */
public record Retention(int last, int daily, int weekly, int monthly) {

    public boolean keepsAll() {
        return last == 0 && daily == 0 && weekly == 0 && monthly == 0;
    }

    public List<String> resticArgs() {
        List<String> a = new ArrayList<>();
        add(a, "--keep-last", last);
        add(a, "--keep-daily", daily);
        add(a, "--keep-weekly", weekly);
        add(a, "--keep-monthly", monthly);
        return a;
    }

    private static void add(List<String> a, String flag, int n) {
        if (n > 0) {
            a.add(flag);
            a.add(Integer.toString(n));
        }
    }

    @Override
    public String toString() {
        return keepsAll() ? "keep all" : "keep last " + last + ", daily " + daily + ", weekly " + weekly
                + ", monthly " + monthly;
    }
}
