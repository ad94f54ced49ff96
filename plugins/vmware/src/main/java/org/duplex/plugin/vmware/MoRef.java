package org.duplex.plugin.vmware;

import java.util.Objects;

/**
 * A vim25 ManagedObjectReference: the type ("VirtualMachine") and the server's id ("vm-42").
 */
public record MoRef(String type, String value) {

    public MoRef {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (type.isBlank() || value.isBlank()) {
            throw new IllegalArgumentException("managed object reference needs a type and a value: " + type + ":"
                    + value);
        }
    }

    @Override
    public String toString() {
        return type + ":" + value;
    }
}
