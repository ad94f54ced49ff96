package org.duplex.failover.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.duplex.api.model.Resource;

/** Reading and checking agent parameters with messages that name the resource and the parameter. */
public final class Params {

    private final Resource resource;
    private final List<String> problems = new ArrayList<>();

    public Params(Resource resource) {
        this.resource = resource;
    }

    public String required(String key) {
        String v = resource.params().get(key);
        if (v == null || v.isBlank()) {
            problems.add(resource.id() + ": parameter '" + key + "' is required");
            return "";
        }
        return v;
    }

    public String optional(String key, String dflt) {
        String v = resource.params().get(key);
        return v == null || v.isBlank() ? dflt : v;
    }

    public int integer(String key, int dflt, int min, int max) {
        String v = resource.params().get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                problems.add(resource.id() + ": parameter '" + key + "' must be between " + min + " and " + max
                        + ", was " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            problems.add(resource.id() + ": parameter '" + key + "' must be a whole number, was '" + v + "'");
            return dflt;
        }
    }

    public boolean bool(String key, boolean dflt) {
        String v = resource.params().get(key);
        if (v == null) {
            return dflt;
        }
        switch (v.trim().toLowerCase()) {
            case "true": case "yes": case "1": return true;
            case "false": case "no": case "0": return false;
            default:
                problems.add(resource.id() + ": parameter '" + key + "' must be true or false, was '" + v + "'");
                return dflt;
        }
    }

    public void check(boolean ok, String problem) {
        if (!ok) {
            problems.add(resource.id() + ": " + problem);
        }
    }

    public Map<String, String> all() {
        return resource.params();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }
}
