package org.duplex.shell.command;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.duplex.api.admin.AuditEntry;
import org.duplex.api.admin.AuditLog;

@Command(scope = "ha", name = "audit",
        description = "Mutating operations from the shell and the REST API: when, who, from where, what, result")
@Service
public class AuditCommand implements Action {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Reference
    AuditLog audit;

    @Option(name = "-n", description = "last N entries (default 50)")
    int last = 50;

    @Override
    public Object execute() {
        System.out.println(render(audit.last(last)));
        return null;
    }

    static String render(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return "no audit entries";
        }
        StringBuilder sb = new StringBuilder();
        for (AuditEntry e : entries) {
            sb.append(TIME.format(e.at())).append("  ").append(e.user()).append(" from ").append(e.source())
                    .append(" (").append(e.channel()).append("): ").append(e.operation())
                    .append(e.arguments().isEmpty() ? "" : " " + e.arguments()).append(" -> ")
                    .append(e.success() ? "ok" : "FAILED").append(e.result().isEmpty() || "ok".equals(e.result())
                            ? "" : ": " + e.result()).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
