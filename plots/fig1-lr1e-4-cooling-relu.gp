# thermo figure 'cooling': re-render with `gnuplot fig1-lr1e-4-cooling-relu.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot cooling /work/runs/fig1-lr1e-4/relu.h5 --from 36 -o /work/main/plots/fig1-lr1e-4-cooling-relu.png --force
# in /work/main
# inputs: /work/runs/fig1-lr1e-4/relu.h5
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2008,1713 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig1-lr1e-4-cooling-relu.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot title 'nested decay on [36, 120]: α = 0.0177 ± 0.0090, β = 0.50 ± 0.12 (Jacobian s.e.), reduced χ² = 0.000299' font ',10'

set origin 0,0.51969
set size 0.5,0.43895
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title '(a) data and shared fit'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set xrange [1:120]
set ylabel 'S_l'
set logscale y 10
set format y '%g'
set arrow from first 36, graph 0 to first 36, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
set label 'window' at first 36, graph 0.97 offset character 0.4,0 left front textcolor rgb '#777777' font ',8'
set arrow from first 120, graph 0 to first 120, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
unset key
plot './fig1-lr1e-4-cooling-relu.curves.dat' index 0 using 1:4 with points pt 7 ps 0.22 lc rgb '#8CC0DC' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 0 using 1:3 with points pt 7 ps 0.22 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 0 using 1:6 with lines lw 1.1 lc rgb 'black' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 1 using 1:4 with points pt 5 ps 0.22 lc rgb '#ECB78C' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 1 using 1:3 with points pt 5 ps 0.22 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 1 using 1:6 with lines lw 1.1 lc rgb 'black' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 2 using 1:4 with points pt 9 ps 0.22 lc rgb '#8CD3C0' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 2 using 1:3 with points pt 9 ps 0.22 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 2 using 1:6 with lines lw 1.1 lc rgb 'black' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 3 using 1:4 with points pt 13 ps 0.22 lc rgb '#E8C3D7' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 3 using 1:3 with points pt 13 ps 0.22 lc rgb '#CC79A7' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 3 using 1:6 with lines lw 1.1 lc rgb 'black' dt 1 notitle

set origin 0.5,0.51969
set size 0.5,0.43895
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title '(b) collapse: ln S_c − a_c'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set xrange [1:120]
set ylabel 'ln S_c − a_c'
set format y '% h'
set arrow from first 36, graph 0 to first 36, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
set label 'window' at first 36, graph 0.97 offset character 0.4,0 left front textcolor rgb '#777777' font ',8'
set arrow from first 120, graph 0 to first 120, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
unset key
plot './fig1-lr1e-4-cooling-relu.curves.dat' index 0 using 1:5 with points pt 7 ps 0.22 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 1 using 1:5 with points pt 5 ps 0.22 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 2 using 1:5 with points pt 9 ps 0.22 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 3 using 1:5 with points pt 13 ps 0.22 lc rgb '#CC79A7' notitle, \
     './fig1-lr1e-4-cooling-relu.model.dat' using 1:2 with lines lw 1.8 lc rgb 'black' notitle

set origin 0,0.080741
set size 0.5,0.43895
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title '(c) residuals in the window'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set xrange [1:120]
set ylabel 'ln S_c − fit'
set format y '% h'
unset key
set arrow from graph 0, first 0 to graph 1, first 0 nohead back lc rgb '#777777' lw 1 dt 1
plot './fig1-lr1e-4-cooling-relu.curves.dat' index 0 using 1:7 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 1 using 1:7 with points pt 5 ps 0.25 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 2 using 1:7 with points pt 9 ps 0.25 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-cooling-relu.curves.dat' index 3 using 1:7 with points pt 13 ps 0.25 lc rgb '#CC79A7' notitle

set origin 0.5,0.080741
set size 0.5,0.43895
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title '(d) effective exponent'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set xrange [1:120]
set ylabel 'α_{eff} = −d ln S / d ln e'
set format y '% h'
set yrange [0.04584771433936978:0.2935132411386928]
set arrow from first 36, graph 0 to first 36, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
set label 'window' at first 36, graph 0.97 offset character 0.4,0 left front textcolor rgb '#777777' font ',8'
set arrow from first 120, graph 0 to first 120, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
unset key
plot './fig1-lr1e-4-cooling-relu.exponents.dat' index 0 using 1:2 with lines lw 1.2 lc rgb '#0072B2' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.exponents.dat' index 1 using 1:2 with lines lw 1.2 lc rgb '#D55E00' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.exponents.dat' index 2 using 1:2 with lines lw 1.2 lc rgb '#009E73' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.exponents.dat' index 3 using 1:2 with lines lw 1.2 lc rgb '#CC79A7' dt 1 notitle, \
     './fig1-lr1e-4-cooling-relu.model.dat' using 1:3 with lines lw 2 lc rgb 'black' notitle, \
     './fig1-lr1e-4-cooling-relu.scan.dat' using 1:2:3:4 with yerrorbars pt 6 ps 0.5 lw 1 lc rgb 'black' notitle

# The key shared by all panels: one empty, invisible full-size plot per key column (full size, so that
# gnuplot never wraps a column for lack of height).
set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
unset border; unset tics; unset grid; set xrange [0:1]; set yrange [0:1]
set key at screen 0.04, screen 0.073845 left top vertical maxrows 2 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 7 ps 0.5 lw 1.2 lc rgb '#0072B2' title 'layer 1', \
     NaN with linespoints pt 13 ps 0.5 lw 1.2 lc rgb '#CC79A7' title 'layer 4'
set key at screen 0.34667, screen 0.073845 left top vertical maxrows 2 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 5 ps 0.5 lw 1.2 lc rgb '#D55E00' title 'layer 2', \
     NaN with lines lw 1.8 lc rgb 'black' title 'nested fit: S (a), −g(e) (b), dg/d ln e (d)'
set key at screen 0.65333, screen 0.073845 left top vertical maxrows 2 noopaque reverse Left samplen 3 spacing 1.1
plot NaN with linespoints pt 9 ps 0.5 lw 1.2 lc rgb '#009E73' title 'layer 3', \
     NaN with points pt 6 ps 0.6 lc rgb 'black' title '(d) power-law α fitted on [s, end], at s'
set border 3; set tics; set grid
unset multiplot
unset output
