package org.duplex.failover.command;

import org.duplex.api.status.StatusSection;
import org.duplex.failover.service.FailoverService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Groups and bound monitors in {@code ha:status} (the text is {@link Commands#statusSection()}). */
@Component(service = StatusSection.class)
public class FailoverStatusSection implements StatusSection {

    @Reference
    FailoverService service;

    @Override
    public int order() {
        return 100;
    }

    @Override
    public String render() {
        return new Commands(service).statusSection();
    }
}
