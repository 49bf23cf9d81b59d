# thermo figure 'signal': re-render with `gnuplot quickstart-signal.gp` in this folder; edit this script and the .dat files freely.
# thermo 0.1.0: /work/main/.build/release/thermo plot signal /work/main/runs/quickstart/run.h5 -o /work/main/plots/quickstart-signal.png --force
# in /work/main
# inputs: /work/main/runs/quickstart/run.h5
reset session
set encoding utf8
set terminal pngcairo enhanced color size 1417,945 font 'Helvetica,9' fontscale 2.083 linewidth 2 pointscale 4.167 dashlength 1 background rgb 'white'
set output './quickstart-signal.png'

# Common style: light grid, outward tics, no mirrored tics, keys drawn over the data.
set border 3 lw 0.8
set tics out scale 0.6 nomirror
set grid back lc rgb '#E3E3E3' lw 0.6 dt 1
set style fill transparent solid 0.25 noborder
set datafile missing 'NaN'
set key opaque samplen 4 spacing 1.1 font ',8'

set multiplot

set origin 0,0
set size 1,1
unset label; unset arrow; unset object; unset logscale; unset title; unset xlabel; unset ylabel; unset y2tics; unset y2label
set xrange [*:*]; set yrange [*:*]; set y2range [*:*]; set autoscale xfix; set format x '% h'; set format y '% h'; set key default
set key opaque samplen 4 spacing 1.1 font ',8'
set ytics nomirror; set xtics nomirror
set title 'run'
set xlabel 'epoch'
set format x '% h'
set ylabel 'S_l (solid), σ_l (dashed)'
set logscale y 10
set format y '10^{%T}'
set key top right
set arrow from first 21, graph 0 to first 21, graph 1 nohead back lc rgb '#777777' lw 1 dt 3
set label 'e* = 21' at first 21, graph 0.97 offset character 0.4,0 left front textcolor rgb '#777777' font ',8'
plot './quickstart-signal.panel1.dat' index 0 using 1:2 with linespoints lw 1.5 lc rgb '#0072B2' dt 1 pt 7 ps 0.5 pi 3 title 'layer 1', \
     './quickstart-signal.panel1.dat' index 0 using 1:3 with linespoints lw 1.2 lc rgb '#0072B2' dt 2 pt 6 ps 0.5 pi 3 notitle, \
     './quickstart-signal.panel1.dat' index 1 using 1:2 with linespoints lw 1.5 lc rgb '#D55E00' dt 1 pt 5 ps 0.5 pi 3 title 'layer 2', \
     './quickstart-signal.panel1.dat' index 1 using 1:3 with linespoints lw 1.2 lc rgb '#D55E00' dt 2 pt 4 ps 0.5 pi 3 notitle, \
     './quickstart-signal.panel1.dat' index 2 using 1:2 with linespoints lw 1.5 lc rgb '#009E73' dt 1 pt 9 ps 0.5 pi 3 title 'layer 3', \
     './quickstart-signal.panel1.dat' index 2 using 1:3 with linespoints lw 1.2 lc rgb '#009E73' dt 2 pt 8 ps 0.5 pi 3 notitle, \
     './quickstart-signal.panel1.dat' index 3 using 1:2 with linespoints lw 1.5 lc rgb '#CC79A7' dt 1 pt 13 ps 0.5 pi 3 title 'layer 4', \
     './quickstart-signal.panel1.dat' index 3 using 1:3 with linespoints lw 1.2 lc rgb '#CC79A7' dt 2 pt 12 ps 0.5 pi 3 notitle, \
     NaN with lines lw 1.5 lc rgb 'black' dt 1 title 'signal S_l', \
     NaN with lines lw 1.2 lc rgb 'black' dt 2 title 'noise σ_l'
unset multiplot
unset output
