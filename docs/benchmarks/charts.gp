set terminal svg size 900,520 dynamic enhanced font "sans,12" background "white"
set grid ytics lc "#dddddd"
set key top left
set output "heartbeat-latency.svg"
set title "Heartbeat: node stop to DEAD, 50 trials (UDP, interval 200 ms, dead 600 ms)"
set xlabel "detection latency (ms)"
set ylabel "trials"
set style fill solid 0.6
set boxwidth 9
unset key
set yrange [0:*]
set xrange [*:*]
bin(x) = 10 * floor(x / 10) + 5
set offsets 10, 10, 1, 0
plot "data/heartbeat-latency.dat" using (bin($1)):(1) smooth frequency with boxes lc "#3366aa"
set offsets 0, 0, 0, 0
set key top left
unset style
set output "cluster-membership.svg"
set title "Membership: coordinator killed to new quorate view with a coordinator"
set xlabel "cluster size (nodes; 2 = two_node with a disk lease)"
set ylabel "ms"
set logscale x 2
set key top right
set xrange [1.5:40]
set yrange [0:*]
set xtics (2, 3, 5, 8, 16, 32)
plot "data/cluster-real.dat" using 1:2 with linespoints lw 2 pt 7 title "real JVMs, median", "data/cluster-real.dat" using 1:3 with points pt 6 ps 1.5 title "real JVMs, max", "data/cluster-sim.dat" using 1:2 with linespoints lw 2 pt 5 dt 2 title "simulated, median", "data/cluster-sim.dat" using 1:3 with points pt 4 ps 1.5 title "simulated, max"
unset logscale x
set xrange [*:*]
set xtics autofreq
set key top left
set output "failover-unplanned.svg"
set title "Failover, unplanned: client-observed outage per trial (trials in brackets)"
set style data boxplot
set style boxplot nooutliers
set boxwidth 0.4
set style fill solid 0.3
set xrange [0.4:2.6]
set yrange [0:*]
set xtics ("duplex (10)" 1, "keepalived (10)" 2)
set xlabel ""
set ylabel "outage (ms)"
unset key
plot "data/failover-duplex-unplanned.dat" using (1):2 with boxplot lc "#3366aa" notitle, "data/failover-duplex-unplanned.dat" using ($1 + (rand(0) - 0.5) * 0.25):2 with points pt 7 ps 0.6 lc "black" notitle, "data/failover-keepalived-unplanned.dat" using (2):2 with boxplot lc "#aa5533" notitle, "data/failover-keepalived-unplanned.dat" using ($1 + (rand(0) - 0.5) * 0.25):2 with points pt 7 ps 0.6 lc "black" notitle
set xtics autofreq
set xrange [*:*]
set key top left
unset style
set output "failover-planned.svg"
set title "Failover, planned: client-observed outage per trial (trials in brackets)"
set style data boxplot
set style boxplot nooutliers
set boxwidth 0.4
set style fill solid 0.3
set xrange [0.4:2.6]
set yrange [0:*]
set xtics ("duplex (10)" 1, "keepalived (10)" 2)
set xlabel ""
set ylabel "outage (ms)"
unset key
plot "data/failover-duplex-planned.dat" using (1):2 with boxplot lc "#3366aa" notitle, "data/failover-duplex-planned.dat" using ($1 + (rand(0) - 0.5) * 0.25):2 with points pt 7 ps 0.6 lc "black" notitle, "data/failover-keepalived-planned.dat" using (2):2 with boxplot lc "#aa5533" notitle, "data/failover-keepalived-planned.dat" using ($1 + (rand(0) - 0.5) * 0.25):2 with points pt 7 ps 0.6 lc "black" notitle
set xtics autofreq
set xrange [*:*]
set key top left
unset style
set terminal svg size 1200,480 dynamic enhanced font "sans,11" background "white"
set output "mirror-throughput.svg"
set multiplot layout 1,3 title "Mirror over NBD (fio nbd engine)"
set style data histogram
set style fill solid 0.7
set boxwidth 0.8
unset key
set xtics rotate by -30 scale 0
set yrange [0:*]
set xlabel ""
set ylabel ""
set title "sequential write, 1 MiB (MiB/s)"
plot "data/mirror.dat" using 2:xtic(1) lc "#3366aa"
set title "4k random write (IOPS)"
plot "data/mirror.dat" using 3:xtic(1) lc "#3366aa"
set title "4k random read (IOPS)"
plot "data/mirror.dat" using 4:xtic(1) lc "#3366aa"
unset multiplot
unset style
set xtics norotate
set terminal svg size 900,520 dynamic enhanced font "sans,12" background "white"
