# thermo figure 'curves': re-render with `gnuplot quickstart-curves.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot curves /work/main/runs/quickstart/run.json -o /work/main/plots/quickstart-curves.png --force
# in /work/main
# inputs: /work/main/runs/quickstart/run.json
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2008,827 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './quickstart-curves.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0
set size 0.5,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'train loss'
set xlabel 'epoch'
set format x '% h'
set ylabel 'cross-entropy'
set format y '% h'
set key top right
plot './quickstart-curves.run1.dat' using 1:2 with lines lw 1.5 lc rgb '#000000' dt 1 title 'ce'

set origin 0.5,0
set size 0.5,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'test accuracy (paler: train)'
set xlabel 'epoch'
set format x '% h'
set ylabel 'accuracy (%)'
set format y '% h'
unset key
plot './quickstart-curves.run1.dat' using 1:4 with lines lw 0.9 lc rgb '#999999' dt 1 notitle, \
     './quickstart-curves.run1.dat' using 1:3 with lines lw 1.5 lc rgb '#000000' dt 1 notitle
unset multiplot
unset output
