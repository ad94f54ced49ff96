package org.duplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/**
 * The console's two languages are complete and the page and scripts carry no visible text of their own: every
 * word on screen comes from i18n/en.json or i18n/zh.json (or from the server's data).
 */
class ConsoleI18nTest {

    static final List<String> SCRIPTS = List.of("js/app.js", "js/api.js", "js/i18n.js", "js/platform.js",
            "js/mirror.js", "js/clusters.js", "js/links.js");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final Pattern CJK = Pattern.compile("[\\p{IsHan}]");
    private static final Pattern KEY = Pattern.compile("[a-z]+(\\.[A-Za-z0-9]+)+");
    /** Capitalised single words that are HTTP header names or values, not text for a person. */
    private static final Set<String> PROTOCOL_WORDS = Set.of("Accept", "Authorization", "Bearer");

    static String file(String name) {
        return new String(ConsoleFiles.read(ConsoleFiles.ROOT + name).orElseThrow(() -> new AssertionError(
                "missing console file " + name)), StandardCharsets.UTF_8);
    }

    static Map<String, String> bundle(String lang) throws Exception {
        return new ObjectMapper().readValue(file("i18n/" + lang + ".json"), new TypeReference<LinkedHashMap<String, String>>() {
        });
    }

    @Test
    void bothLanguagesHaveTheSameKeysAndPlaceholdersAndEveryValueIsInItsLanguage() throws Exception {
        Map<String, String> en = bundle("en");
        Map<String, String> zh = bundle("zh");
        assertThat(zh.keySet()).as("keys of zh.json vs en.json").isEqualTo(en.keySet());
        List<String> problems = new ArrayList<>();
        for (String key : en.keySet()) {
            String e = en.get(key);
            String z = zh.get(key);
            if (e.isBlank() || z.isBlank()) {
                problems.add(key + ": empty");
            }
            if (!placeholders(e).equals(placeholders(z))) {
                problems.add(key + ": placeholders " + placeholders(e) + " vs " + placeholders(z));
            }
            // A Chinese value must be Chinese unless it is only placeholders and punctuation.
            if (PLACEHOLDER.matcher(z).replaceAll("").matches(".*\\p{L}.*") && !CJK.matcher(z).find()) {
                problems.add(key + ": zh value has no Chinese: " + z);
            }
            if (CJK.matcher(e).find() && !key.equals("lang.zh")) {
                problems.add(key + ": en value has Chinese: " + e);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void thePageHasNoTextOfItsOwnAndNamesOnlyKeysThatExist() throws Exception {
        Map<String, String> en = bundle("en");
        String html = file("index.html").replaceAll("(?s)<!--.*?-->", "").replaceFirst("(?i)<!DOCTYPE[^>]*>", "");
        Matcher text = Pattern.compile(">([^<]*)<").matcher(html);
        while (text.find()) {
            assertThat(text.group(1).strip()).as("text in index.html outside the bundles").isEmpty();
        }
        assertThat(html).as("attributes shown to a person must come from the bundles")
                .doesNotContainPattern("\\s(title|placeholder|alt|aria-label)=");
        Matcher keys = Pattern.compile("data-i18n(?:-title)?=\"([^\"]+)\"").matcher(html);
        int count = 0;
        while (keys.find()) {
            assertThat(en).as("index.html names key " + keys.group(1)).containsKey(keys.group(1));
            count++;
        }
        assertThat(count).isGreaterThan(40);
    }

    @Test
    void theScriptsHaveNoTextOfTheirOwnAndUseOnlyKeysThatExistAndEveryKeyIsUsed() throws Exception {
        Map<String, String> en = bundle("en");
        Set<String> prefixes = new TreeSet<>();
        en.keySet().forEach(k -> prefixes.add(k.substring(0, k.indexOf('.'))));
        Set<String> used = new TreeSet<>();
        Set<String> dynamicPrefixes = new TreeSet<>();
        List<String> visible = new ArrayList<>();
        for (String script : SCRIPTS) {
            String source = file(script);
            for (JsLiterals.Literal l : JsLiterals.of(source)) {
                String s = l.text();
                if (looksLikeText(s)) {
                    visible.add(script + ":" + l.line() + ": " + s);
                }
                if (KEY.matcher(s).matches() && prefixes.contains(s.substring(0, s.indexOf('.')))) {
                    assertThat(en).as(script + ":" + l.line() + " uses key " + s).containsKey(s);
                    used.add(s);
                }
                if (l.template() && s.endsWith(".") && KEY.matcher(s + "x").matches()) {
                    dynamicPrefixes.add(s); // `error.http.${status}`: every key below it is reachable
                }
            }
            Matcher tv = Pattern.compile("\\btv\\('([a-z]+)'").matcher(source);
            while (tv.find()) {
                dynamicPrefixes.add(tv.group(1) + ".");
            }
        }
        assertThat(visible).as("string literals that read as text: put them in the bundles").isEmpty();
        Matcher html = Pattern.compile("data-i18n(?:-title)?=\"([^\"]+)\"").matcher(file("index.html"));
        while (html.find()) {
            used.add(html.group(1));
        }
        List<String> unused = en.keySet().stream().filter(k -> !used.contains(k))
                .filter(k -> dynamicPrefixes.stream().noneMatch(k::startsWith)).toList();
        assertThat(unused).as("keys no page or script uses").isEmpty();
    }

    @Test
    void theTextCheckCatchesWhatItShould() {
        assertThat(looksLikeText("Put node in standby")).isTrue();
        assertThat(looksLikeText("Nodes")).isTrue();
        assertThat(looksLikeText("切换")).isTrue();
        assertThat(looksLikeText("Done.")).isTrue();
        assertThat(looksLikeText("op.standby")).isFalse();
        assertThat(looksLikeText("ONLINE")).isFalse();
        assertThat(looksLikeText("Authorization")).isFalse();
        assertThat(looksLikeText("/api/v1")).isFalse();
        assertThat(JsLiterals.of("const a = 'x'; // 'not code'\nconst b = `k.${c + 'd'}.e`;"))
                .extracting(JsLiterals.Literal::text).containsExactly("x", "k.", "d", ".e");
        assertThat(looksLikeText("")).isFalse();
    }

    /** Words with spaces between them, any non-ASCII letter, a capitalised word, or a question or exclamation. */
    static boolean looksLikeText(String s) {
        if (s.chars().anyMatch(c -> c > 127 && Character.isLetter(c))) {
            return true;
        }
        if (Pattern.compile("\\p{L}\\s+\\p{L}").matcher(s).find() || s.matches(".*\\p{L}[!?]")) {
            return true;
        }
        return s.matches("[A-Z][a-z]+[.:!?]?") && !PROTOCOL_WORDS.contains(s);
    }

    private static Set<String> placeholders(String s) {
        Set<String> out = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
