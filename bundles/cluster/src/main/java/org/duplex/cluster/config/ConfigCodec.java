package org.duplex.cluster.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.databind.util.LookupCache;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** JSON and YAML import/export of the cluster configuration, with errors that name the field and the problem. */
public final class ConfigCodec {

    public enum Format {
        JSON, YAML;

        /** By file name: .json is JSON, anything else (.yaml, .yml) YAML. */
        public static Format forFile(String name) {
            return name.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .typeFactory(ownTypes())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .typeFactory(ownTypes())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ConfigCodec() {
    }

    /**
     * A type factory with its own cache. Jackson's shared default one (jackson-databind is one bundle for every
     * bundle) keeps the classes it has seen, and with them their bundle's class loader: after an upgrade the old
     * cluster and failover bundles stayed in memory (about 30 MiB), held by that cache.
     */
    public static TypeFactory ownTypes() {
        LookupCache<Object, JavaType> cache = new LRUMap<>(16, 200);
        return TypeFactory.defaultInstance().withCache(cache);
    }

    private static ObjectMapper mapper(Format f) {
        return f == Format.JSON ? JSON : YAML;
    }

    /** Parses and validates; throws with every problem found (syntax errors stop at the first). */
    public static ClusterConfig parse(String text, Format format) throws ConfigException {
        if (text == null || text.isBlank()) {
            throw new ConfigException(List.of("(document): empty configuration"));
        }
        ClusterConfig c;
        try {
            c = mapper(format).readValue(text, ClusterConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(describe(e, format)));
        }
        if (c == null) {
            throw new ConfigException(List.of("(document): empty configuration"));
        }
        return ConfigValidator.requireValid(c);
    }

    public static String write(ClusterConfig config, Format format) {
        try {
            return mapper(format).writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise configuration", e);
        }
    }

    public static byte[] toJsonBytes(ClusterConfig config) {
        try {
            return JSON.writeValueAsBytes(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise configuration", e);
        }
    }

    public static ClusterConfig fromJsonBytes(byte[] bytes) throws ConfigException {
        try {
            return JSON.readValue(bytes, ClusterConfig.class);
        } catch (UnrecognizedPropertyException e) {
            int requires = requiresOf(bytes);
            int mine = org.duplex.cluster.protocol.ProtocolVersion.CURRENT.level();
            if (requires > mine) {
                throw new ConfigException(List.of("(document): written by a Duplex build of protocol level "
                        + requires + " and using '" + e.getPropertyName() + "', which this build ("
                        + org.duplex.cluster.protocol.ProtocolVersion.CURRENT + ") cannot read"));
            }
            throw new ConfigException(List.of(describe(e, Format.JSON)));
        } catch (java.io.IOException e) {
            throw new ConfigException(List.of(e instanceof JsonProcessingException jpe
                    ? describe(jpe, Format.JSON) : "(document): " + e.getMessage()));
        }
    }

    private static int requiresOf(byte[] bytes) {
        try {
            return JSON.readTree(bytes).path("requires").asInt(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** A value in the configuration's JSON (keys of maps sorted, so equal content gives equal text). */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Reads a part of the configuration from JSON, strictly (unknown fields refused); problems name the field. */
    public static <T> T parseJson(String text, Class<T> type) throws ConfigException {
        if (text == null || text.isBlank()) {
            throw new ConfigException(List.of("(document): empty"));
        }
        try {
            T value = JSON.readValue(text, type);
            if (value == null) {
                throw new ConfigException(List.of("(document): empty"));
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new ConfigException(List.of(describe(e, Format.JSON)));
        }
    }

    static String describe(JsonProcessingException e, Format format) {
        boolean syntax = !(e instanceof JsonMappingException)
                || e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamReadException
                || String.valueOf(e.getOriginalMessage()).contains("end-of-input");
        if (syntax) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "(document)" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return where + ": malformed " + format.name() + ": " + firstLine(e.getOriginalMessage());
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String path = path(m.getPath());
            if (m instanceof UnrecognizedPropertyException u) {
                path = path(m.getPath().subList(0, m.getPath().size() - 1));
                String known = u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds().stream()
                        .map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
                return path + ": unknown field '" + u.getPropertyName() + "'" + known;
            }
            if (m instanceof InvalidFormatException f) {
                String expected = f.getTargetType() != null && f.getTargetType().isEnum()
                        ? " (expected one of " + Arrays.stream(f.getTargetType().getEnumConstants())
                        .map(o -> o.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")"
                        : " (expected " + (f.getTargetType() == null ? "another type"
                        : f.getTargetType().getSimpleName()) + ")";
                return path + ": invalid value '" + f.getValue() + "'" + expected;
            }
            return path + ": " + firstLine(m.getOriginalMessage());
        }
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "(document)" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return where + ": malformed " + format.name() + ": " + firstLine(e.getOriginalMessage());
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        List<JsonMappingException.Reference> list = new ArrayList<>(refs);
        for (JsonMappingException.Reference r : list) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(document)" : sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.replaceAll("\\s*\\(start marker at \\[Source.*$", "");
    }
}
