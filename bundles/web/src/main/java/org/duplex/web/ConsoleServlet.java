package org.duplex.web;

import java.io.IOException;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/**
 * Thin DS wiring: {@link ConsoleFiles} on the HTTP whiteboard, the web console at {@code /console/} and, as the
 * default servlet ({@code /}: every path no other servlet takes), a redirect there from the root (404 for anything
 * else). The console needs no login to load: every piece of data comes from the REST API, which does.
 */
@Component(service = Servlet.class, property = {"osgi.http.whiteboard.servlet.pattern=/console/*",
        "osgi.http.whiteboard.servlet.pattern=/", "osgi.http.whiteboard.servlet.name=duplex-console"})
public class ConsoleServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        ConsoleFiles.Answer a = ConsoleFiles.get(path);
        resp.setStatus(a.status());
        a.headers().forEach(resp::setHeader);
        resp.setContentType(a.contentType());
        resp.setContentLength(a.body().length);
        resp.getOutputStream().write(a.body());
    }
}
