# thermo figure 'curvature': re-render with `gnuplot fig1-lr1e-4-curvature-tanh.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/bin/thermo-fig1 plot curvature /work/main/runs/fig1-lr1e-4/tanh.h5 -o /work/main/plots/fig1-lr1e-4-curvature-tanh.png --force
# in /work/main
# inputs: /work/main/runs/fig1-lr1e-4/tanh.h5
reset session
set encoding utf8
set terminal pngcairo enhanced color size 2126,768 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './fig1-lr1e-4-curvature-tanh.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0
set size 0.33333,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'top eigenvalue λ_{max}(H_{ll})'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set ylabel 'λ_{max}'
set logscale y 10
set format y '%g'
set key top right
plot './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:3 with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' title 'layer 1', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:3 with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' title 'layer 2', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:3 with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' title 'layer 3', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:3 with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' title 'layer 4', \
     './fig1-lr1e-4-curvature-tanh.network.dat' using 1:2 with lines lw 1.2 dt 2 lc rgb '#777777' title 'full H'

set origin 0.33333,0
set size 0.33333,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'trace tr H_{ll}'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set ylabel 'tr H_{ll}'
set logscale y 10
set format y '%g'
set key top right
plot './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#0072B2' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:4 with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' title 'layer 1', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#D55E00' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:4 with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' title 'layer 2', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#009E73' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:4 with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' title 'layer 3', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:4:5 with yerrorbars pt 7 ps 0.4 lc rgb '#CC79A7' notitle, \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:4 with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' title 'layer 4'

set origin 0.66667,0
set size 0.33333,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'layer temperature T_l'
set xlabel 'epoch'
set logscale x 10
set format x '%g'
set ylabel 'T_l'
set logscale y 10
set format y '%g'
set key top right
plot './fig1-lr1e-4-curvature-tanh.layers.dat' index 0 using 1:6 with linespoints pt 7 ps 0.5 lw 1.4 lc rgb '#0072B2' title 'layer 1', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 1 using 1:6 with linespoints pt 5 ps 0.5 lw 1.4 lc rgb '#D55E00' title 'layer 2', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 2 using 1:6 with linespoints pt 9 ps 0.5 lw 1.4 lc rgb '#009E73' title 'layer 3', \
     './fig1-lr1e-4-curvature-tanh.layers.dat' index 3 using 1:6 with linespoints pt 13 ps 0.5 lw 1.4 lc rgb '#CC79A7' title 'layer 4'
unset multiplot
unset output
