package org.duplex.web;

import java.util.Map;

/**
 * One HTTP request, free of servlet types so {@link RestApi} is tested without a container.
 *
 * @param method        GET, POST, ...
 * @param path          the path below {@code /api/v1}, e.g. {@code /groups/web/switchover}
 * @param query         query parameters (first value of each)
 * @param authorization the Authorization header, or null
 * @param remoteAddress the client's address
 * @param body          the request body (empty when none)
 * @param confirm       the {@value Confirmations#HEADER} header (a fresh password confirmation), or null
 */
public record ApiRequest(String method, String path, Map<String, String> query, String authorization,
                         String remoteAddress, byte[] body, String confirm) {

    /** A request without a confirmation. */
    public ApiRequest(String method, String path, Map<String, String> query, String authorization,
                      String remoteAddress, byte[] body) {
        this(method, path, query, authorization, remoteAddress, body, null);
    }
}
