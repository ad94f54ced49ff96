package org.duplex.shell.users;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.console.Session;

/** Where an {@code ha:user-*} command takes a password from: a file, or typed twice without echo. */
final class Passwords {

    private Passwords() {
    }

    static String read(Session session, String passwordFile, String user) throws IOException {
        if (passwordFile != null) {
            Path f = Path.of(passwordFile);
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("--password-file " + passwordFile + ": no such file");
            }
            if (lines.isEmpty() || lines.get(0).isEmpty()) {
                throw new IllegalArgumentException("--password-file " + passwordFile + ": the first line (the "
                        + "password) is empty");
            }
            return lines.get(0);
        }
        if (session == null) {
            throw new IllegalArgumentException("no console to type the password in: use --password-file FILE");
        }
        String first = session.readLine("Password for " + user + ": ", '*');
        if (first == null || first.isEmpty()) {
            throw new IllegalArgumentException("no password typed (without a terminal, e.g. bin/client CMD, use "
                    + "--password-file FILE)");
        }
        String again = session.readLine("Again: ", '*');
        if (!first.equals(again)) {
            throw new IllegalArgumentException("the two passwords typed differ; nothing changed");
        }
        return first;
    }
}
