package org.duplex.api.admin;

/**
 * One plug-in on one node.
 *
 * @param plugin the feature name
 * @param node   the node
 * @param state  {@code installed}, {@code absent}, {@code FAILED}, {@code UNREACHABLE} (not in the view),
 *               {@code UNKNOWN} (no report yet), {@code NO ANSWER} (no report for the change in time)
 * @param ok     after a change: whether the node did it; in a listing: whether the state is final and wanted
 * @param detail why (a failure's reason, ...), empty when there is nothing to say
 */
public record PluginNodeState(String plugin, String node, String state, boolean ok, String detail) {

    public PluginNodeState {
        detail = detail == null ? "" : detail;
    }
}
