package org.duplex.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP response: status, extra headers, a JSON body. */
public record ApiResponse(int status, Map<String, String> headers, byte[] body) {

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
