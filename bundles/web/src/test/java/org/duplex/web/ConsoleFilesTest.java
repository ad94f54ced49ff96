package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleFilesTest {

    @Test
    void theRootAndTheBareFolderRedirectToTheConsole() {
        for (String path : new String[] {"/", "", "/console"}) {
            ConsoleFiles.Answer a = ConsoleFiles.get(path);
            assertThat(a.status()).as(path).isEqualTo(302);
            assertThat(a.headers()).containsEntry("Location", "/console/");
        }
    }

    @Test
    void servesThePageScriptsStylesAndBundlesWithTheirTypesAndAStrictPolicy() {
        ConsoleFiles.Answer page = ConsoleFiles.get("/console/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("<script type=\"module\" src=\"js/app.js\">");
        assertThat(page.headers().get("Content-Security-Policy")).contains("script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(ConsoleFiles.get("/console/js/app.js").contentType()).startsWith("text/javascript");
        assertThat(ConsoleFiles.get("/console/console.css").contentType()).startsWith("text/css");
        assertThat(ConsoleFiles.get("/console/i18n/zh.json").contentType()).startsWith("application/json");
        assertThat(ConsoleFiles.get("/console/index.html").text()).isEqualTo(page.text());
    }

    @Test
    void nothingOutsideTheConsoleFolderOrOfAnUnknownKind() {
        for (String path : new String[] {"/console/../RestApi.class", "/console/..%2fRestApi.class",
                "/console/js/../../openapi.json", "/console//etc/passwd", "/console/js/", "/console/nosuch.js",
                "/console/index.html.bak", "/console/.hidden.js", "/other", "/console/JS/app.js",
                "/console/../org/duplex/web/RestApi.class"}) {
            assertThat(ConsoleFiles.get(path).status()).as(path).isEqualTo(404);
        }
    }
}
