# thermo figure 'curvature': re-render with `gnuplot fig1-lr1e-4-curvature-tanh.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot curvature /work/runs/fig1-lr1e-4/tanh.h5 -o /work/main/plots/fig1-lr1e-4-curvature-tanh.png --force
# in /work/main
# inputs: /work/runs/fig1-lr1e-4/tanh.h5
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2126,850 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig1-lr1e-4-curvature-tanh.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0.098663
set size 0.33333,0.90134
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'top eigenvalue λ_{max}(H_{ll})'
set xlabel 'epoch'
set logscale x 10
set format x '10^{%T}'
set ylabel 'λ_{max}'
set logscale y 10
set format y '%g'
unset key
plot './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:3 with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:3 with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:3 with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:3 with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' notitle, \
     './fig1-lr1e-4-curvature-tanh.network.dat' using 1:2 with lines lw 1.2 dt 2 lc rgb '#777777' notitle

set origin 0.33333,0.098663
set size 0.33333,0.90134
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'trace tr H_{ll}'
set xlabel 'epoch'
set logscale x 10
set format x '10^{%T}'
set ylabel 'tr H_{ll}'
set logscale y 10
set format y '%g'
unset key
plot './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:4 with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:4 with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:4 with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#CC79A7' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:4 with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' notitle

set origin 0.66667,0.098663
set size 0.33333,0.90134
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'layer temperature T_l'
set xlabel 'epoch'
set logscale x 10
set format x '10^{%T}'
set ylabel 'T_l'
set logscale y 10
set format y '10^{%T}'
unset key
plot './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:6 with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:6 with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:6 with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:6 with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' notitle

# The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that
# gnuplot never wraps a column for lack of height).
set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]
set key at screen 0.04, screen 0.084774 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' title 'layer 1'
set key at screen 0.224, screen 0.084774 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' title 'layer 2'
set key at screen 0.408, screen 0.084774 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' title 'layer 3'
set key at screen 0.592, screen 0.084774 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' title 'layer 4'
set key at screen 0.776, screen 0.084774 left top vertical maxrows 1 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with lines lw 1.2 dt 2 lc rgb '#777777' title 'full H (λ_{max})'
set border 3; set tics; set grid
unset multiplot
unset output
