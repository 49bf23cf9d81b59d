# thermo figure 'signal': re-render with `gnuplot fig1-signal.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot signal /work/runs/fig1/relu.h5 /work/runs/fig1/tanh.h5 -o /work/main/plots/fig1-signal.png --force
# in /work/main
# inputs: /work/runs/fig1/relu.h5, /work/runs/fig1/tanh.h5
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2008,945 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig1-signal.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0.088797
set size 0.5,0.9112
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'relu'
set xlabel 'epoch'
set format x '% h'
set ylabel 'S_l (solid), σ_l (dashed)'
set logscale y 10
set format y '10^{%T}'
unset key
set arrow from first 91, graph 0 to first 91, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
set label 'e* = 91' at first 91, graph 0.97 offset character 0.4,0 left front textcolor rgb '#777777' font ',8'
plot './fig1-signal.panel1.dat' index 0 using 1:2 with linespoints lw 1.5 lc rgb '#0072B2' dt 1 pt 7 ps 0.5 pi 12 title 'layer 1', \
     './fig1-signal.panel1.dat' index 0 using 1:3 with linespoints lw 1.2 lc rgb '#0072B2' dt 2 pt 6 ps 0.5 pi 12 notitle, \
     './fig1-signal.panel1.dat' index 1 using 1:2 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 5 ps 0.5 pi 12 title 'layer 2', \
     './fig1-signal.panel1.dat' index 1 using 1:3 with linespoints lw 1.2 lc rgb '#D55E00' dt 2 pt 4 ps 0.5 pi 12 notitle, \
     './fig1-signal.panel1.dat' index 2 using 1:2 with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 9 ps 0.5 pi 12 title 'layer 3', \
     './fig1-signal.panel1.dat' index 2 using 1:3 with linespoints lw 1.2 lc rgb '#009E73' dt 2 pt 8 ps 0.5 pi 12 notitle, \
     './fig1-signal.panel1.dat' index 3 using 1:2 with linespoints lw 1.5 lc rgb '#CC79A7' dt 1 pt 13 ps 0.5 pi 12 title 'layer 4', \
     './fig1-signal.panel1.dat' index 3 using 1:3 with linespoints lw 1.2 lc rgb '#CC79A7' dt 2 pt 12 ps 0.5 pi 12 notitle, \
     NaN with lines lw 1.5 lc rgb 'black' dt 1 title 'signal S_l', \
     NaN with lines lw 1.2 lc rgb 'black' dt 2 title 'noise σ_l'

set origin 0.5,0.088797
set size 0.5,0.9112
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'tanh'
set xlabel 'epoch'
set format x '% h'
set ylabel 'S_l (solid), σ_l (dashed)'
set logscale y 10
set format y '10^{%T}'
unset key
set arrow from first 91, graph 0 to first 91, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
set label 'e* = 91' at first 91, graph 0.97 offset character 0.4,0 left front textcolor rgb '#777777' font ',8'
plot './fig1-signal.panel2.dat' index 0 using 1:2 with linespoints lw 1.5 lc rgb '#0072B2' dt 1 pt 7 ps 0.5 pi 12 title 'layer 1', \
     './fig1-signal.panel2.dat' index 0 using 1:3 with linespoints lw 1.2 lc rgb '#0072B2' dt 2 pt 6 ps 0.5 pi 12 notitle, \
     './fig1-signal.panel2.dat' index 1 using 1:2 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 5 ps 0.5 pi 12 title 'layer 2', \
     './fig1-signal.panel2.dat' index 1 using 1:3 with linespoints lw 1.2 lc rgb '#D55E00' dt 2 pt 4 ps 0.5 pi 12 notitle, \
     './fig1-signal.panel2.dat' index 2 using 1:2 with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 9 ps 0.5 pi 12 title 'layer 3', \
     './fig1-signal.panel2.dat' index 2 using 1:3 with linespoints lw 1.2 lc rgb '#009E73' dt 2 pt 8 ps 0.5 pi 12 notitle, \
     './fig1-signal.panel2.dat' index 3 using 1:2 with linespoints lw 1.5 lc rgb '#CC79A7' dt 1 pt 13 ps 0.5 pi 12 title 'layer 4', \
     './fig1-signal.panel2.dat' index 3 using 1:3 with linespoints lw 1.2 lc rgb '#CC79A7' dt 2 pt 12 ps 0.5 pi 12 notitle, \
     NaN with lines lw 1.5 lc rgb 'black' dt 1 title 'signal S_l', \
     NaN with lines lw 1.2 lc rgb 'black' dt 2 title 'noise σ_l'

# The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that
# gnuplot never wraps a column for lack of height).
set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]
set key at screen 0.04, screen 0.076297 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#0072B2' dt 1 pt 7 ps 0.5 title 'layer 1'
set key at screen 0.19333, screen 0.076297 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 5 ps 0.5 title 'layer 2'
set key at screen 0.34667, screen 0.076297 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 9 ps 0.5 title 'layer 3'
set key at screen 0.5, screen 0.076297 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints lw 1.5 lc rgb '#CC79A7' dt 1 pt 13 ps 0.5 title 'layer 4'
set key at screen 0.65333, screen 0.076297 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with lines lw 1.5 lc rgb 'black' dt 1 title 'signal S_l'
set key at screen 0.80667, screen 0.076297 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with lines lw 1.2 lc rgb 'black' dt 2 title 'noise σ_l'
set border 3; set tics; set grid
unset multiplot
unset output
