/**
 * Helpers that plug-ins kept copying because plug-ins may not depend on each other: a {@link Deadline} for one
 * operation (with a thread to abandon a step that blocks in the kernel), {@link Exec} (a command run without a
 * shell, bounded by a deadline, its whole process tree killed at the deadline), {@link Sizes} (byte sizes and
 * percentages as operators write and read them) and {@link Credentials} (a password from an owner-only file).
 * Optional: a plug-in that uses it adds this bundle to its feature. No Duplex service, no state, no dependency
 * beyond the JDK.
 */
@Version("1.0.0")
@Export
package org.duplex.plugin.support;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
