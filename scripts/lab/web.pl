#!/usr/bin/perl
# The lab's sample service: answers every HTTP request with "served by NODE".   web.pl ADDRESS PORT NODE
# Perl, not Python: it listens about 30 ms after exec (a Python interpreter takes 0.4-0.7 s to start on the
# lab machine, which the client would count as failover time). One process, no fork per request: a client
# that never sends its request is dropped after 1 s, so a probe every 10 ms cannot stall it.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;

my ($addr, $port, $node) = @ARGV;
die "usage: web.pl ADDRESS PORT NODE\n" unless defined $node;
$SIG{PIPE} = 'IGNORE';
my $srv = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => $port, Proto => 'tcp', Listen => 128,
                                ReuseAddr => 1) or die "web.pl: cannot listen on $addr:$port: $!\n";
my $body = "served by $node\n";
my $reply = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\n\r\n" . $body;
my $sel = IO::Select->new($srv);
my %pending;    # client socket => [buffer, deadline]
while (1) {
    for my $fh ($sel->can_read(0.2)) {
        if ($fh == $srv) {
            my $c = $srv->accept or next;
            $c->blocking(0);
            $sel->add($c);
            $pending{$c} = ['', time + 1];
            next;
        }
        my $n = sysread($fh, my $chunk, 4096);
        if (!$n) { $sel->remove($fh); delete $pending{$fh}; close $fh; next; }
        $pending{$fh}[0] .= $chunk;
        if ($pending{$fh}[0] =~ /\r?\n\r?\n/) {
            syswrite($fh, $reply);
            $sel->remove($fh); delete $pending{$fh}; close $fh;
        }
    }
    my $now = time;
    for my $fh ($sel->handles) {
        next if $fh == $srv || $pending{$fh}[1] > $now;
        $sel->remove($fh); delete $pending{$fh}; close $fh;
    }
}
